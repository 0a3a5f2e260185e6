// figures_train.cpp - the figures of a training run: its curves, and its initial weights.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "figure_parts.h"
#include "figures.h"

namespace wi {

namespace {

// Trailing mean over the last `window` steps (fewer at the start): out[i] = mean(v[i-window+1 .. i]).
// A window holding a non-finite value gives NaN there, so the curve breaks instead of lying.
std::vector<double> running_mean(const std::vector<double>& v, std::size_t window) {
    std::vector<double> out(v.size());
    double sum = 0.0;
    std::size_t bad = 0;  // non-finite values in the window
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (std::isfinite(v[i])) sum += v[i];
        else ++bad;
        if (i >= window) {
            if (std::isfinite(v[i - window])) sum -= v[i - window];
            else --bad;
        }
        const std::size_t n = std::min(i + 1, window);
        out[i] = bad ? NAN : sum / static_cast<double>(n);
    }
    return out;
}

// Panels in a grid of `cols` columns below the heading, leaving room for tick and axis labels.
std::vector<Rect> grid(const Canvas& c, int n, int cols, double top) {
    constexpr double kLeft = 90, kRight = 25, kBottom = 70, kColGap = 95, kRowGap = 100;
    const int rows = (n + cols - 1) / cols;
    const double w = (c.width() - kLeft - kRight - (cols - 1) * kColGap) / cols;
    const double h = (c.height() - top - kBottom - (rows - 1) * kRowGap) / rows;
    std::vector<Rect> r;
    for (int i = 0; i < n; ++i)
        r.push_back({std::round(kLeft + (i % cols) * (w + kColGap)), std::round(top + (i / cols) * (h + kRowGap)),
                     std::round(w), std::round(h)});
    return r;
}

// A value that a share of the weights sit on (or within a hair of): a point mass, drawn as a
// stem at its true value with its share written, not as a bin of a height set by the bin width.
struct PointMass {
    double value = 0.0;     // the mean of the values in it
    double lo = 0.0, hi = 0.0;
    long count = 0;
};

// Runs of sorted finite values whose neighbours are within `hair` of each other and that hold at
// least 1 % of the weights (and at least 2); a value repeated exactly needs only 0.1 % (and 3):
// eye's 32 ones among 25,088 weights.
std::vector<PointMass> point_masses(const std::vector<float>& w, double hair) {
    std::vector<double> v;
    for (float x : w)
        if (std::isfinite(x)) v.push_back(x);
    std::sort(v.begin(), v.end());
    const double n = static_cast<double>(v.size());
    const long least = std::max<long>(2, static_cast<long>(std::ceil(0.01 * n)));
    const long least_exact = std::max<long>(3, static_cast<long>(std::ceil(0.001 * n)));
    std::vector<PointMass> out;
    for (std::size_t i = 0; i < v.size();) {
        std::size_t j = i + 1;
        double sum = v[i];
        while (j < v.size() && v[j] - v[j - 1] <= hair) sum += v[j++];
        const long count = static_cast<long>(j - i);
        if (count >= (v[i] == v[j - 1] ? std::min(least, least_exact) : least))
            out.push_back({sum / static_cast<double>(count), v[i], v[j - 1], count});
        i = j;
    }
    return out;
}

bool in_mass(const std::vector<PointMass>& masses, double x) {
    for (const PointMass& m : masses)
        if (x >= m.lo && x <= m.hi) return true;
    return false;
}

// "all 25,088 at 0.5", "50 % at ≈0": the share of the weights in a point mass, and where.
std::string mass_text(const PointMass& m, long total, double hair) {
    const bool exact = m.lo == m.hi;
    const std::string at = exact ? fmt(m.value)
                                 : std::max(std::abs(m.lo), std::abs(m.hi)) <= hair ? "\xE2\x89\x88" "0"
                                                                                   : "\xE2\x89\x88" + fmt(m.value);
    if (m.count == total) return "all " + grouped_count(total) + " at " + at;
    // whole percents, but never "100 %" or "0 %" for a part: 99.9 %, 0.13 %
    const double share = 100.0 * static_cast<double>(m.count) / static_cast<double>(total);
    char pct[32];
    if (share >= 99.5)
        std::snprintf(pct, sizeof pct, share >= 99.95 ? "%.2f %%" : "%.1f %%", std::min(share, 99.99));
    else if (share < 0.5)
        std::snprintf(pct, sizeof pct, "%.2g %%", share);
    else
        std::snprintf(pct, sizeof pct, "%.0f %%", share);
    return std::string(pct) + " at " + at;
}

// The pixel column of the histogram must match the law's: density = count / (N * bin width).
// Values in a point mass are left out of the bins but counted in N (the bars' area is the
// share of the weights that is not in one).
std::vector<double> histogram_density(const std::vector<float>& w, Range r, int bins, long* non_finite,
                                      const std::vector<PointMass>& masses) {
    std::vector<double> h(bins, 0.0);
    long used = 0;
    *non_finite = 0;
    const double width = (r.hi - r.lo) / bins;
    for (float v : w) {
        if (!std::isfinite(v)) {
            ++*non_finite;
            continue;
        }
        ++used;
        if (in_mass(masses, v)) continue;
        const double at = (v - r.lo) / width;  // a value outside r (or a range too wide to divide) goes to an end bin
        const int b = at > 0 ? (at < bins - 1 ? static_cast<int>(at) : bins - 1) : 0;
        h[b] += 1.0;
    }
    for (double& x : h) x = used ? x / (used * width) : 0.0;
    return h;
}

// As the training lines print them: "%.3f".
std::string fixed3(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

struct Moments {
    double mean = 0.0, std = 0.0;  // of the finite values; std is the population std
};

Moments moments(const std::vector<float>& w) {
    double sum = 0.0, sq = 0.0;
    long n = 0;
    for (float v : w)
        if (std::isfinite(v)) sum += v, ++n;
    Moments m;
    if (n == 0) return m;
    m.mean = sum / n;
    for (float v : w)
        if (std::isfinite(v)) sq += (v - m.mean) * (v - m.mean);
    m.std = std::sqrt(sq / n);
    return m;
}

struct SummaryRow {
    std::string name;
    int out, in;
    double law_std, std, mean;  // law_std is NaN when there is no law (loaded weights)
};

// One format for a column of numbers: as many decimals as three significant digits of its
// largest magnitude need (0.0495, 0.177 -> "0.050", "0.177"); a column of values below 1e-4 or
// from 1e6 up is printed as "%.2e". NaN is "-".
std::vector<std::string> column_text(const std::vector<double>& v) {
    double big = 0.0;
    for (double x : v)
        if (std::isfinite(x)) big = std::max(big, std::abs(x));
    std::vector<std::string> out;
    for (double x : v) {
        char buf[48];
        if (!std::isfinite(x)) {
            out.push_back("-");
            continue;
        }
        if (big > 0 && (big < 1e-4 || big >= 1e6)) {
            std::snprintf(buf, sizeof buf, "%.2e", x);
        } else {
            const int decimals = big > 0 ? std::max(0, std::min(6, 2 - static_cast<int>(std::floor(std::log10(big))))) : 0;
            std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
        }
        std::string s = buf;
        if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s = s.substr(1);  // no "-0.00"
        if (!s.empty() && s[0] == '-') s = "\xE2\x88\x92" + s.substr(1);  // the typographic minus
        out.push_back(s);
    }
    return out;
}

// A small table in an empty grid cell: per layer, the shape, the law's sigma and the measured one.
// `notes` (lines) say which layers have no panel; rows that do not fit the cell are counted in
// a last line. Columns are as wide as their widest cell and a gap; a table wider than the cell
// is set in a smaller size.
std::vector<Rect> draw_summary(Sheet& sheet, const Rect& cell, const std::string& init, const std::vector<SummaryRow>& rows,
                               const std::vector<std::string>& notes) {
    std::vector<Rect> boxes;
    constexpr double kRow = 24.0, kGap = 16.0;
    TextStyle st;
    st.size = 14;
    draw_text(sheet.canvas, sheet.font, "init: " + init, {cell.left, cell.top + 10}, st);
    double top = cell.top + 10;
    st.color = palette::kVermillion;
    for (const std::string& note : notes) {
        draw_text(sheet.canvas, sheet.font, note, {cell.left, top + kRow}, st);
        top += kRow;
    }
    const std::size_t fit = static_cast<std::size_t>(std::max(1.0, std::floor((cell.bottom() - top) / kRow - 2.7)));
    const std::size_t shown = rows.size() > fit ? fit - 1 : rows.size();
    std::vector<double> law, sd, mean;
    for (std::size_t r = 0; r < shown; ++r) law.push_back(rows[r].law_std), sd.push_back(rows[r].std), mean.push_back(rows[r].mean);
    const std::vector<std::string> law_s = column_text(law), sd_s = column_text(sd), mean_s = column_text(mean);
    std::vector<std::array<std::string, 5>> table = {{"layer", "shape", "law \xCF\x83", "weights \xCF\x83", "mean"}};
    for (std::size_t r = 0; r < shown; ++r)
        table.push_back({rows[r].name, "(" + std::to_string(rows[r].out) + ", " + std::to_string(rows[r].in) + ")", law_s[r],
                         sd_s[r], mean_s[r]});
    double widths[5] = {0, 0, 0, 0, 0}, total = 0.0;
    for (const auto& row : table)
        for (int c = 0; c < 5; ++c) widths[c] = std::max(widths[c], sheet.font.width(row[c], st.size));
    for (int c = 0; c < 5; ++c) total += widths[c] + (c < 4 ? kGap : 0.0);
    const double scale = total > cell.width ? cell.width / total : 1.0;
    st.size *= scale;
    double col[5];
    for (int c = 0, x = 0; c < 5; ++c) {
        col[c] = cell.left + x;
        x += static_cast<int>(std::ceil((widths[c] + kGap) * scale));
    }
    st.color = palette::kAxis;
    for (int c = 0; c < 5; ++c) boxes.push_back(draw_text(sheet.canvas, sheet.font, table[0][c], {col[c], top + 1.5 * kRow}, st));
    sheet.canvas.fill_rect({cell.left, top + 2.2 * kRow, std::min(cell.width, total * scale), 1}, palette::kAxis);
    st.color = palette::kText;
    for (std::size_t r = 0; r < shown; ++r)
        for (int c = 0; c < 5; ++c)
            boxes.push_back(draw_text(sheet.canvas, sheet.font, table[r + 1][c], {col[c], top + (2.7 + r) * kRow}, st));
    if (shown < rows.size())
        draw_text(sheet.canvas, sheet.font, "\xE2\x80\xA6 and " + std::to_string(rows.size() - shown) + " more layers",
                  {cell.left, top + (2.7 + shown) * kRow}, st);
    return boxes;
}

}  // namespace

FigureFile plot_training(const FigureOptions& fig, const std::string& name, const std::string& file_label,
                         const TrainingCurves& curves) {
    Sheet sheet(fig);
    sheet.heading("Training with init " + name);
    if (!curves.caption.empty()) sheet.caption(curves.caption, 54.0);
    const std::vector<Rect> panels = grid(sheet.canvas, 2, 2, 100.0);

    const std::size_t n = curves.step_loss.size();
    // About 30 windows across the run: smooth enough to see the trend through batch-of-4
    // noise, short enough to keep the first epoch's fast drop; at most 500 steps.
    const std::size_t window = std::max<std::size_t>(1, std::min<std::size_t>(500, n / 30));
    const Range xr = finite_range({0.0, static_cast<double>(std::max<std::size_t>(n, 1))}, 0.02);
    // The mean is drawn from the first step with a full window: a mean of fewer steps would
    // start lower or higher and drop or jump where the window fills, a cliff that never was.
    const std::string train_label = window > 1 ? "train: mean of the last " + std::to_string(window) +
                                                     " steps (from step " + std::to_string(window) + ")"
                                               : "train: each step";
    // At the step a run diverged its loss is not finite and its accuracy is that of NaN
    // outputs, not a measurement: the curves stop at the last step before it.
    const std::size_t measured = curves.diverged_step > 0 ? std::min<std::size_t>(n, curves.diverged_step - 1) : n;

    std::vector<Frame> frames;
    for (int panel = 0; panel < 2; ++panel) {
        const bool loss = panel == 0;
        const std::vector<double>& series = loss ? curves.step_loss : curves.step_accuracy;
        const std::vector<double> mean = running_mean(std::vector<double>(series.begin(), series.begin() +
                                                                              std::min(series.size(), measured)),
                                                      window);
        std::vector<double> sx, smooth;  // the full windows only
        for (std::size_t i = window - 1; i < mean.size(); ++i) {
            sx.push_back(static_cast<double>(i + 1));
            smooth.push_back(mean[i]);
        }
        std::vector<double> tx, ty;  // test points at the step each epoch ended
        for (const TrainingCurves::EpochEnd& e : curves.epochs)
            if (e.has_test) {
                tx.push_back(static_cast<double>(e.step));
                ty.push_back(loss ? e.test_loss : e.test_accuracy);
            }
        std::vector<double> all = smooth;
        all.insert(all.end(), ty.begin(), ty.end());
        // A loss spanning more than two decades (a huge start, a blow-up) is drawn on a log
        // axis, where the part that matters, around ln 10 = 2.3 and below, keeps its detail;
        // it reaches down to the decade below its lowest value, so a labelled tick sits near it.
        const Range positive = positive_range(all, 0.0);
        const bool log_y = loss && positive.hi / positive.lo > 100.0;
        Range yr = log_y ? positive_range(all) : loss ? finite_range(all) : merge(finite_range({0.0, 1.0}), finite_range(all));
        if (log_y) yr.lo = std::min(yr.lo, std::pow(10.0, std::floor(std::log10(positive.lo))));
        // The panel, drawn by draw(canvas, y range); a legend that would cover the curves
        // wherever it goes gets room above (or below) them, tried on a scratch canvas first.
        auto draw = [&](Canvas& canvas, Range y) {
            Axes ax(canvas, sheet.font, panels[panel], xr, y, log_y ? Scale::Log : Scale::Linear);
            const Color epoch_grey{170, 170, 170};
            for (std::size_t e = 0; e + 1 < curves.epochs.size(); ++e)
                ax.vline(static_cast<double>(curves.epochs[e].step), epoch_grey, 1.0, true);
            if (curves.diverged_step > 0) {
                ax.vline(static_cast<double>(curves.diverged_step), palette::kVermillion, 1.5, true);
                ax.note("diverged at step " + std::to_string(curves.diverged_step) + ": the loss is not finite");
            }
            if (n == 0) ax.note("no training steps");
            ax.line(sx, smooth, palette::kBlue, train_label, 2.0);
            ax.scatter(tx, ty, palette::kVermillion, Marker::Square, tx.empty() ? "" : "test set, end of each epoch", 5.5, 1.0);
            if (curves.epochs.size() > 1)
                ax.add_legend_entry({"end of an epoch", epoch_grey, Swatch::DashedLine, Marker::Circle});
            // Each test value written by its point, clear of the curve; with many epochs the
            // first and the last three.
            for (std::size_t i = 0; i < tx.size(); ++i)
                if (tx.size() <= 6 || i == 0 || i + 3 >= tx.size())
                    ax.annotate_clear({tx[i], ty[i]}, fixed3(ty[i]), palette::kVermillion);
            ax.legend(Corner::Best);
            ax.finish({loss ? "loss (cross-entropy)" : "accuracy", "iteration (SGD step)", log_y ? "loss (log scale)" : loss ? "loss" : "accuracy"});
            return ax.frame();
        };
        Canvas scratch(sheet.canvas.width(), sheet.canvas.height(), palette::kWhite);
        const Frame trial = draw(scratch, yr);
        if (long least = hidden_by_legend(trial); least > 0) {
            const double frac =
                std::min(0.6, (std::max(trial.legend.bottom(), trial.notes.bottom()) - trial.px.top + 6.0) / panels[panel].height);
            Range best = yr;
            for (bool at_top : {true, false}) {
                const Range grown = with_room(yr, log_y, frac, at_top);
                const long hidden = hidden_by_legend(draw(scratch, grown));
                if (hidden < least) least = hidden, best = grown;
            }
            yr = best;
        }
        frames.push_back(draw(sheet.canvas, yr));
    }
    return {sheet.write(fig, "training_" + file_label + ".png"), frames};
}

FigureFile plot_weights(const FigureOptions& fig, const std::string& name, const std::string& file_label,
                        const InitSpec* spec, const std::vector<LayerWeights>& layers) {
    // The legend sits above the histogram: the y axis gets this many pixels of headroom (more
    // for a legend of more than two rows).
    constexpr double kLegendRoom = 80.0;
    // A deep network shows its first and last layers, kFirstPanels + kLastPanels of them, and
    // says which it leaves out: a panel per layer for thousands of layers is no figure.
    constexpr int kFirstPanels = 9, kLastPanels = 8;
    std::vector<int> shown;  // indices into layers
    for (int l = 0; l < static_cast<int>(layers.size()); ++l)
        if (layers.size() <= kFirstPanels + kLastPanels || l < kFirstPanels ||
            l >= static_cast<int>(layers.size()) - kLastPanels)
            shown.push_back(l);
    std::vector<std::string> left_out;
    if (shown.size() < layers.size())
        left_out = {std::to_string(layers.size() - shown.size()) + " of " + std::to_string(layers.size()) +
                        " layers not shown:",
                    layers[kFirstPanels].name + " to " + layers[layers.size() - kLastPanels - 1].name};
    const int count = static_cast<int>(shown.size());
    const int cols = count <= 1 ? 1 : count <= 4 ? 2 : 3;
    const int rows = (std::max(count, 1) + cols - 1) / cols;
    // A deep network gets a bigger canvas rather than panels too small to read.
    FigureOptions sized = fig;
    if (cols == 3) sized.width = std::max(fig.width, fig.width * 7 / 5);
    if (rows > 2) sized.height = fig.height + (rows - 2) * fig.height * 3 / 7;
    Sheet sheet(sized);
    sheet.heading("Initial weights, init " + name);
    const int cells = rows * cols;
    const std::vector<Rect> panels = grid(sheet.canvas, cells, cols, 100.0);
    std::vector<Frame> frames;
    std::vector<SummaryRow> summary;
    bool any_mass = false, any_spread = false, any_law_stem = false;
    for (int l = 0; l < count; ++l) {
        const LayerWeights& L = layers[shown[l]];
        const std::vector<double> w(L.w.begin(), L.w.end());
        const bool has_law = spec != nullptr;
        const WeightLaw law = has_law ? init_law(*spec, L.in, L.out) : WeightLaw{};
        Range xr = finite_range(w);
        // Show the law's whole body too: +-4 sigma of a normal, the bounds of a uniform or a cut normal.
        if (has_law && law.kind == WeightLaw::Kind::Normal)
            xr = merge(xr, finite_range({law.mean - 4 * law.std, law.mean + 4 * law.std}, 0.0));
        if (has_law && (law.kind == WeightLaw::Kind::Uniform || law.kind == WeightLaw::Kind::TruncatedNormal))
            xr = merge(xr, finite_range({law.lo, law.hi}));

        // About sqrt(N) bins, 10 to 60: fine enough for a shape, coarse enough for full bins.
        // An odd count puts the middle of the range (0 for the usual laws) at the centre of a bin.
        const int bins = std::max(10, std::min(60, static_cast<int>(std::lround(std::sqrt(static_cast<double>(w.size())))))) | 1;
        // A hair: a millionth of the range, far below a pixel; values closer than that are one point.
        const double hair = (xr.hi - xr.lo) * 1e-6;
        const std::vector<PointMass> masses = point_masses(L.w, hair);
        any_mass = any_mass || !masses.empty();
        long non_finite = 0;
        const std::vector<double> h = histogram_density(L.w, xr, bins, &non_finite, masses);
        long finite = 0, in_masses = 0;
        for (float v : L.w) finite += std::isfinite(v);
        for (const PointMass& pm : masses) in_masses += pm.count;
        const bool spread = in_masses < finite;  // some weights are not in a point mass
        any_spread = any_spread || spread;
        std::vector<double> dx, dy;  // the law's density, sampled finely enough to show a uniform's steps
        constexpr int kPoints = 800;
        for (int i = 0; has_law && i < kPoints; ++i) {
            const double x = xr.lo + (xr.hi - xr.lo) * i / (kPoints - 1);
            double d = 0.0;
            if (!law_density(law, x, &d)) break;
            dx.push_back(x);
            dy.push_back(d);
        }
        // Weights that are all in point masses get an axis of shares (a stem's height is its
        // share); otherwise the axis is the density of the rest, and stems reach the top.
        double top = 0.0;
        if (spread) {
            for (double v : h) top = std::max(top, v);
            for (double v : dy) top = std::max(top, v);
        } else {
            top = 1.0;
        }
        // The legend's rows: the bars, each point mass (3 at most, and a line for the rest), the law.
        const int legend_rows = (spread ? 1 : 0) + static_cast<int>(std::min<std::size_t>(masses.size(), 4)) + (has_law ? 1 : 0);
        const double legend_room = std::max(kLegendRoom, 36.0 + 22.0 * legend_rows);
        const double room = panels[l].height / std::max(panels[l].height - legend_room, panels[l].height / 2);
        const Range yr{0.0, top > 0 ? top * room : 1.0};  // bars stand on y = 0

        const Moments m = moments(L.w);
        summary.push_back({L.name, L.out, L.in, has_law ? law.std : NAN, m.std, m.mean});
        Axes ax(sheet.canvas, sheet.font, panels[l], xr, yr);
        if (non_finite > 0) ax.note(std::to_string(non_finite) + " non-finite weights not counted");
        const std::string weights_label = "weights, \xCF\x83 = " + fmt(m.std);
        if (spread) ax.bars(xr.lo, xr.hi, h, palette::kBlue, weights_label);
        if (!dx.empty()) ax.line(dx, dy, palette::kVermillion, "law: " + law_text(law), 2.0);
        // Each point mass: a stem at its value, as tall as the tallest bar when there are bars
        // (its share is no density), its share written in the legend.
        for (std::size_t k = 0; k < masses.size(); ++k) {
            const PointMass& pm = masses[k];
            const double share = static_cast<double>(pm.count) / static_cast<double>(std::max<long>(finite, 1));
            ax.stem(pm.value, spread ? top : share, palette::kBlue, 2.5);
            if (k < 3)
                ax.add_legend_entry({spread || k > 0 ? "weights: " + mass_text(pm, finite, hair)
                                                     : weights_label + ": " + mass_text(pm, finite, hair),
                                     palette::kBlue, Swatch::Stem, Marker::Circle});
        }
        if (masses.size() > 3)
            ax.add_legend_entry({"and " + std::to_string(masses.size() - 3) + " more point masses", palette::kAxis,
                                 Swatch::None, Marker::Circle});
        if (has_law && law.kind == WeightLaw::Kind::Constant) {
            ax.stem(law.mean, spread ? yr.hi : 1.0, palette::kVermillion, 1.5, true);
            any_law_stem = true;
            ax.add_legend_entry({"law: " + law_text(law), palette::kVermillion, Swatch::DashedLine, Marker::Circle});
        } else if (has_law && dx.empty()) {
            ax.add_legend_entry({"law: " + law_text(law), palette::kAxis, Swatch::None, Marker::Circle});
        }
        ax.legend(Corner::Best);
        ax.finish({L.name + "  (" + std::to_string(L.out) + ", " + std::to_string(L.in) + ")", "weight value",
                   spread ? "density" : "share of the weights"});
        frames.push_back(ax.frame());
    }
    const std::string law_clause = spec == nullptr ? "" : ", and the density of the law they were drawn from";
    sheet.caption(!any_spread && any_mass
                      ? "each layer's weights sit on one value: a stem there, as tall as their share" +
                            std::string(any_law_stem ? "; dashed: the law's value" : "")
                  : any_mass ? "histogram of each layer's weights as a density; a stem: weights on one value, their share in the legend" +
                                 std::string(spec == nullptr ? "" : "; the law over it")
                           : "histogram of each layer's weights (density: area 1)" + law_clause,
                  54.0);
    std::vector<Rect> table;
    if (count < cells) table = draw_summary(sheet, panels[count], spec ? init_spec_text(*spec) : name, summary, left_out);
    return {sheet.write(fig, "weights_" + file_label + ".png"), frames, table};
}

}  // namespace wi
