// figures_train.cpp - the figures of a training run: its curves, and its initial weights.
#include <algorithm>
#include <cmath>

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

// The pixel column of the histogram must match the law's: density = count / (N * bin width).
std::vector<double> histogram_density(const std::vector<float>& w, Range r, int bins, long* non_finite) {
    std::vector<double> h(bins, 0.0);
    long used = 0;
    *non_finite = 0;
    const double width = (r.hi - r.lo) / bins;
    for (float v : w) {
        if (!std::isfinite(v)) {
            ++*non_finite;
            continue;
        }
        const int b = std::min(bins - 1, std::max(0, static_cast<int>((v - r.lo) / width)));
        h[b] += 1.0;
        ++used;
    }
    for (double& x : h) x = used ? x / (used * width) : 0.0;
    return h;
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
    std::vector<double> steps(n);
    for (std::size_t i = 0; i < n; ++i) steps[i] = static_cast<double>(i + 1);
    const Range xr = finite_range({0.0, static_cast<double>(std::max<std::size_t>(n, 1))}, 0.02);
    const std::string train_label = window > 1 ? "train: mean of the last " + std::to_string(window) + " steps"
                                               : "train: each step";

    std::vector<Frame> frames;
    for (int panel = 0; panel < 2; ++panel) {
        const bool loss = panel == 0;
        const std::vector<double> smooth = running_mean(loss ? curves.step_loss : curves.step_accuracy, window);
        std::vector<double> tx, ty;  // test points at the step each epoch ended
        for (const TrainingCurves::EpochEnd& e : curves.epochs)
            if (e.has_test) {
                tx.push_back(static_cast<double>(e.step));
                ty.push_back(loss ? e.test_loss : e.test_accuracy);
            }
        std::vector<double> all = smooth;
        all.insert(all.end(), ty.begin(), ty.end());
        const Range yr = loss ? finite_range(all) : merge(finite_range({0.0, 1.0}), finite_range(all));
        Axes ax(sheet.canvas, sheet.font, panels[panel], xr, yr);
        for (std::size_t e = 0; e + 1 < curves.epochs.size(); ++e)
            ax.vline(static_cast<double>(curves.epochs[e].step), Color{170, 170, 170}, 1.0, true);
        if (curves.diverged_step > 0) {
            ax.vline(static_cast<double>(curves.diverged_step), palette::kVermillion, 1.5, true);
            ax.note("diverged at step " + std::to_string(curves.diverged_step) + ": the loss is not finite");
        }
        if (n == 0) ax.note("no training steps");
        ax.line(steps, smooth, palette::kBlue, train_label, 2.0);
        ax.scatter(tx, ty, palette::kVermillion, Marker::Square, "test set, end of each epoch", 5.5, 1.0);
        for (std::size_t i = 0; i < tx.size(); ++i)
            ax.annotate({tx[i], ty[i]}, {-8.0, loss ? -16.0 : 16.0}, fmt(ty[i], 3), palette::kVermillion, Align::End);
        ax.legend(loss ? Corner::TopRight : Corner::BottomRight);
        ax.finish({loss ? "loss (cross-entropy)" : "accuracy", "iteration (SGD step)", loss ? "loss" : "accuracy"});
        frames.push_back(ax.frame());
    }
    return {sheet.write(fig, "training_" + file_label + ".png"), frames};
}

FigureFile plot_weights(const FigureOptions& fig, const std::string& name, const std::string& file_label,
                        const InitSpec* spec, const std::vector<LayerWeights>& layers) {
    Sheet sheet(fig);
    sheet.heading("Initial weights, init " + name);
    sheet.caption(spec == nullptr ? "histogram of each layer's weights (density: area 1)"
                               : "histogram of each layer's weights (density: area 1), and the density of the law they were drawn from",
                  54.0);
    const int count = static_cast<int>(layers.size());
    const int cols = count <= 1 ? 1 : count <= 4 ? 2 : 3;
    const std::vector<Rect> panels = grid(sheet.canvas, std::max(count, 1), cols, 100.0);
    std::vector<Frame> frames;
    for (int l = 0; l < count; ++l) {
        const LayerWeights& L = layers[l];
        std::vector<double> w(L.w.begin(), L.w.end());
        const bool has_law = spec != nullptr;
        const WeightLaw law = has_law ? init_law(*spec, L.in, L.out) : WeightLaw{};
        Range xr = finite_range(w);
        // Show the law's whole body too: +-4 sigma of a normal, the bounds of a uniform or a cut normal.
        if (has_law && law.kind == WeightLaw::Kind::Normal)
            xr = merge(xr, finite_range({law.mean - 4 * law.std, law.mean + 4 * law.std}, 0.0));
        if (has_law && (law.kind == WeightLaw::Kind::Uniform || law.kind == WeightLaw::Kind::TruncatedNormal))
            xr = merge(xr, finite_range({law.lo, law.hi}));

        // About sqrt(N) bins, 10 to 60: fine enough for a shape, coarse enough for full bins.
        const int bins = std::max(10, std::min(60, static_cast<int>(std::lround(std::sqrt(static_cast<double>(w.size()))))));
        long non_finite = 0;
        const std::vector<double> h = histogram_density(L.w, xr, bins, &non_finite);
        std::vector<double> dx, dy;  // the law's density, sampled finely enough to show a uniform's steps
        constexpr int kPoints = 800;
        for (int i = 0; has_law && i < kPoints; ++i) {
            const double x = xr.lo + (xr.hi - xr.lo) * i / (kPoints - 1);
            double d = 0.0;
            if (!law_density(law, x, &d)) break;
            dx.push_back(x);
            dy.push_back(d);
        }
        double top = 0.0;
        for (double v : h) top = std::max(top, v);
        for (double v : dy) top = std::max(top, v);
        const Range yr{0.0, top > 0 ? top * 1.12 : 1.0};  // bars stand on y = 0; 12 % headroom for the legend

        double mean = 0.0, sq = 0.0;
        long finite = 0;
        for (double v : w)
            if (std::isfinite(v)) mean += v, ++finite;
        mean = finite ? mean / finite : 0.0;
        for (double v : w)
            if (std::isfinite(v)) sq += (v - mean) * (v - mean);
        const double sd = finite ? std::sqrt(sq / finite) : 0.0;

        Axes ax(sheet.canvas, sheet.font, panels[l], xr, yr);
        if (non_finite > 0) ax.note(std::to_string(non_finite) + " non-finite weights not counted");
        ax.bars(xr.lo, xr.hi, h, palette::kBlue, "weights, \xCF\x83 = " + fmt(sd));
        if (!dx.empty()) ax.line(dx, dy, palette::kVermillion, "law: " + law_text(law), 2.0);
        else if (has_law) ax.note("law: " + law_text(law));
        ax.legend(Corner::Best);
        ax.finish({L.name + "  (" + std::to_string(L.out) + ", " + std::to_string(L.in) + ")", "weight value",
                   l % cols == 0 ? "density" : ""});
        frames.push_back(ax.frame());
    }
    return {sheet.write(fig, "weights_" + file_label + ".png"), frames};
}

}  // namespace wi
