// figures.cpp - the sigmoid figures, and what every figure shares (layout, fonts, files, and
// the calls into the initializer table).
#include "figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../core/fsutil.h"
#include "../core/rng.h"
#include "figure_parts.h"
#include "png.h"

namespace wi {

// ---- The calls into the initializer API (src/init/init.h), all here.

WeightLaw init_law(const InitSpec& spec, int fan_in, int fan_out) { return weight_law(spec, fan_in, fan_out); }

std::string init_spec_text(const InitSpec& spec) { return spec.text(); }

// n weights of a real (fan_out, fan_in) Linear layer filled by the initializer, in row-major
// order; a layer with fewer than n weights is filled again (fresh draws) until there are n.
// (A 1-D tensor has no fans, so a layer shape is what makes "kaiming" or "xavier" mean anything.)
std::vector<double> sample_init_weights(const InitSpec& spec, int fan_in, int fan_out, std::size_t n, Rng& rng) {
    Mlp layer = make_mlp({fan_in, fan_out}, Activation::None);
    Layer& L = layer.layers[0];
    std::vector<double> w;
    w.reserve(n);
    while (w.size() < n) {
        fill_layer(L, spec, BiasPolicy{}, rng);
        for (std::size_t i = 0; i < L.W.size() && w.size() < n; ++i) w.push_back(L.W.data()[i]);
    }
    return w;
}

// ---- Shared pieces (figure_parts.h).

long hidden_by_legend(const Frame& f) {
    auto under = [](const Rect& r, const Point& q) {
        return r.width > 0 && q.x >= r.left && q.x <= r.right() && q.y >= r.top && q.y <= r.bottom();
    };
    return std::count_if(f.data.begin(), f.data.end(), [&](const Point& q) { return under(f.legend, q) || under(f.notes, q); });
}

Range with_room(Range y, bool log, double frac, bool at_top) {
    const double k = 1.0 / (1.0 - frac);
    if (log) {
        const double a = std::log10(y.lo), b = std::log10(y.hi), span = (b - a) * (k - 1.0);
        return at_top ? Range{y.lo, std::pow(10.0, b + span)} : Range{std::pow(10.0, a - span), y.hi};
    }
    const double span = (y.hi - y.lo) * (k - 1.0);
    return at_top ? Range{y.lo, y.hi + span} : Range{y.lo - span, y.hi};
}

std::string fmt(double v, int significant) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*g", significant, v);
    std::string s = buf;
    if (!s.empty() && s[0] == '-') s = "\xE2\x88\x92" + s.substr(1);  // U+2212, the typographic minus
    return s;
}

std::string law_text(const WeightLaw& law) {
    const std::string sigma = "\xCF\x83 = " + fmt(law.std);  // "σ = 0.0495"
    // "[lo, hi]", or "±hi" when symmetric about 0
    const std::string bounds = law.lo == -law.hi ? "\xC2\xB1" + fmt(law.hi) : "[" + fmt(law.lo) + ", " + fmt(law.hi) + "]";
    switch (law.kind) {
        case WeightLaw::Kind::Normal: return "N(" + fmt(law.mean) + ", \xCF\x83\xC2\xB2), " + sigma;
        case WeightLaw::Kind::Uniform:
            return (law.lo == -law.hi ? "U(" + bounds + ")" : "U(" + fmt(law.lo) + ", " + fmt(law.hi) + ")") + ", " + sigma;
        case WeightLaw::Kind::TruncatedNormal:
            return "N(" + fmt(law.mean) + ", " + fmt(law.scale) + "\xC2\xB2) in " + bounds + ", " + sigma;
        case WeightLaw::Kind::Constant: return "constant " + fmt(law.mean);
        case WeightLaw::Kind::Mixture: return "a mixture, " + sigma;
        case WeightLaw::Kind::Other: return "no simple density, " + sigma;
    }
    return sigma;
}

bool law_density(const WeightLaw& law, double x, double* density) {
    const double root_2pi = std::sqrt(2.0 * M_PI);
    switch (law.kind) {
        case WeightLaw::Kind::Normal: {
            if (!(law.std > 0)) return false;
            const double z = (x - law.mean) / law.std;
            *density = std::exp(-0.5 * z * z) / (law.std * root_2pi);
            return true;
        }
        case WeightLaw::Kind::Uniform:
            if (!(law.hi > law.lo)) return false;
            *density = (x >= law.lo && x <= law.hi) ? 1.0 / (law.hi - law.lo) : 0.0;
            return true;
        case WeightLaw::Kind::TruncatedNormal: {
            if (!(law.scale > 0) || !(law.hi > law.lo)) return false;
            // the normal's density renormalized by the mass left in [lo, hi]: Phi(b) - Phi(a)
            auto cdf = [&law](double v) { return 0.5 * std::erfc(-(v - law.mean) / (law.scale * std::sqrt(2.0))); };
            const double z = (x - law.mean) / law.scale;
            const double inside = (x >= law.lo && x <= law.hi) ? 1.0 : 0.0;
            *density = inside * std::exp(-0.5 * z * z) / (law.scale * root_2pi) / (cdf(law.hi) - cdf(law.lo));
            return true;
        }
        default: return false;
    }
}

Sheet::Sheet(const FigureOptions& fig)
    : canvas(std::max(fig.width, kMinFigureWidth), std::max(fig.height, kMinFigureHeight), palette::kWhite),
      font(Font::load(fig.font)) {}

Rect Sheet::single_panel() const {
    // Margins: tick labels and the y label on the left, the x label below, the title above.
    return {95.0, 70.0, canvas.width() - 95.0 - 30.0, canvas.height() - 70.0 - 75.0};
}

void Sheet::caption(const std::string& text, double y) {
    TextStyle st;
    st.size = 14;
    st.color = palette::kAxis;
    st.h = Align::Center;
    st.v = Align::End;
    draw_text(canvas, font, text, {canvas.width() / 2.0, y}, st);
}

void Sheet::heading(const std::string& text) {
    TextStyle st;
    st.size = 20;
    st.h = Align::Center;
    st.v = Align::End;
    draw_text(canvas, font, text, {canvas.width() / 2.0, 30.0}, st);
}

std::string Sheet::write(const FigureOptions& fig, const std::string& file) const {
    make_dirs(fig.out_dir);
    const std::string path = join_path(fig.out_dir, file);
    write_png(path, canvas);
    return path;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::string grouped_count(long n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return n < 0 ? "\xE2\x88\x92" + s : s;
}

// ---- The figures.

FigureFile plot_sigmoid_inits(const FigureOptions& fig, const std::vector<InitChoice>& inits, int fan_in, int fan_out,
                              std::uint64_t seed) {
    constexpr int kCurvePoints = 1000;      // the notebook's torch.linspace(-5, 5, 1000)
    constexpr std::size_t kSamples = 1000;  // the notebook's torch.empty(1000)
    constexpr double kXLimit = 5.0;
    constexpr double kJitter = 0.28;  // half the height of a strip lane (lanes are 1 apart): dots stay in their lane
    Sheet sheet(fig);
    // The notebook's panel on top; below it a strip with one lane per initializer, because on the
    // curve itself narrow laws (kaiming and xavier at fan_in 784) cover each other.
    const Rect area = sheet.single_panel();
    constexpr double kGap = 45.0;  // room for the top panel's tick labels
    const double top_h = std::round((area.height - kGap) * 0.7);
    const Rect top{area.left, area.top, area.width, top_h};
    const Rect strip{area.left, area.top + top_h + kGap, area.width, area.height - top_h - kGap};

    std::vector<double> x(kCurvePoints), y(kCurvePoints);
    for (int i = 0; i < kCurvePoints; ++i) {
        x[i] = -kXLimit + 2.0 * kXLimit * i / (kCurvePoints - 1);
        y[i] = sigmoid(x[i]);
    }
    const Range xr = finite_range({-kXLimit, kXLimit});
    const int n = static_cast<int>(inits.size());
    Axes ax(sheet.canvas, sheet.font, top, xr, finite_range({0.0, 1.0}));
    // The lanes have no horizontal grid: a line through each lane would run through its label.
    AxesOptions no_grid;
    no_grid.y_grid = false;
    Axes lanes(sheet.canvas, sheet.font, strip, xr, {-0.5, n - 0.5}, Scale::Linear, no_grid);
    const Color curve = palette::kBlack;
    ax.add_legend_entry({"sigmoid(x) = 1 / (1 + e\xE2\x81\xBB\xCB\xA3)", curve, Swatch::Line, Marker::Circle});

    // Laws that put their samples in the same place on the curve (same mean, sigmas within
    // 10 %: kaiming_normal and xavier_normal at 784 -> 32) are said to coincide in the legend.
    std::vector<WeightLaw> laws;
    for (int k = 0; k < n; ++k) laws.push_back(init_law(inits[k].spec, fan_in, fan_out));
    auto coincide = [&laws](int a, int b) {
        const WeightLaw &p = laws[a], &q = laws[b];
        return p.std > 0 && q.std > 0 && std::abs(p.mean - q.mean) <= 0.1 * std::min(p.std, q.std) &&
               std::max(p.std, q.std) <= 1.1 * std::min(p.std, q.std);
    };

    // One generator for all series, in order: each init gets its own, independent draws.
    // The strip's vertical jitter has a generator of its own, so it never changes the samples.
    Rng rng(seed), jitter(seed ^ 0x6a09e667f3bcc909ULL);
    std::size_t drawn = kSamples;
    for (int k = 0; k < n; ++k) {
        std::vector<double> w = sample_init_weights(inits[k].spec, fan_in, fan_out, kSamples, rng);
        std::sort(w.begin(), w.end());
        std::vector<double> s(w.size()), lane(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) {
            s[i] = sigmoid(w[i]);
            lane[i] = (n - 1 - k) + jitter.uniform(-kJitter, kJitter);  // the first init on the top lane
        }
        const std::string& name = inits[k].label;
        const long outside = std::count_if(w.begin(), w.end(), [&xr](double v) { return v < xr.lo || v > xr.hi; });
        if (outside > 0)
            ax.note(name + ": " + std::to_string(outside) + " of " + std::to_string(w.size()) + " samples beyond x = \xC2\xB1" +
                    fmt(xr.hi, 2) + " (off the plot)");
        const WeightLaw& law = laws[k];
        const Color c = palette::series(k);
        std::string same;
        for (int j = 0; j < n; ++j)
            if (j != k && coincide(j, k)) same += (same.empty() ? "" : ", ") + inits[j].label;
        ax.scatter(w, s, c, marker_for(k), "sigmoid(w), w ~ " + name + " (\xCF\x83 = " + fmt(law.std) + ")" +
                                               (same.empty() ? "" : ", on the curve the same as " + same), 2.6);
        lanes.scatter(w, lane, c, marker_for(k), "", 3.0, 0.35);
        lanes.annotate({xr.lo, static_cast<double>(n - 1 - k)}, {8.0, 0.0}, name, palette::kText, Align::Start, true);
        drawn = w.size();
    }
    // The curve over the samples, so they never hide it.
    ax.line(x, y, curve, "", 1.6);
    ax.legend(Corner::Best);
    // A layer with fewer weights than the samples is drawn again until there are enough.
    const long layer_size = static_cast<long>(fan_in) * fan_out;
    std::string title = grouped_count(static_cast<long>(drawn)) + " initial weights w through the sigmoid";
    if (layer_size < static_cast<long>(drawn))
        title = grouped_count(static_cast<long>(drawn)) + " initial weights w (" +
                std::to_string((static_cast<long>(drawn) + layer_size - 1) / layer_size) + " draws of the layer's " +
                std::to_string(layer_size) + ") through the sigmoid";
    ax.finish({title, "", "sigmoid(x)"});
    lanes.finish({"", "x  (for the samples: the weight value w)", "samples", false});
    sheet.caption("weights sampled for a real layer: W of shape (" + std::to_string(fan_out) + ", " +
                      std::to_string(fan_in) + "), fan_in " + std::to_string(fan_in) + ", fan_out " +
                      std::to_string(fan_out) + ", seed " + std::to_string(seed),
                  sheet.canvas.height() - 12.0);
    return {sheet.write(fig, "sigmoid_inits.png"), {ax.frame(), lanes.frame()}};
}

FigureFile plot_sigmoid_grad(const FigureOptions& fig) {
    constexpr int kCurvePoints = 1000;
    constexpr double kXLimit = 5.0;
    // Where the gradient is "small": sigma'(x) < 0.05, a fifth of its peak. Solving
    // s(1 - s) = 0.05 gives s = (1 - sqrt(0.8)) / 2, so |x| > ln(s / (1 - s)) = 2.887.
    constexpr double kSmallGrad = 0.05;
    const double s_small = (1.0 - std::sqrt(1.0 - 4.0 * kSmallGrad)) / 2.0;
    const double x_small = -std::log(s_small / (1.0 - s_small));
    Sheet sheet(fig);
    std::vector<double> x(kCurvePoints), s(kCurvePoints), ds(kCurvePoints);
    for (int i = 0; i < kCurvePoints; ++i) {
        x[i] = -kXLimit + 2.0 * kXLimit * i / (kCurvePoints - 1);
        s[i] = sigmoid(x[i]);
        ds[i] = s[i] * (1.0 - s[i]);  // sigma'(x) = sigma(x) (1 - sigma(x))
    }
    const Range xr = finite_range({-kXLimit, kXLimit});
    Axes ax(sheet.canvas, sheet.font, sheet.single_panel(), xr, finite_range({0.0, 1.0}));
    const Color shade{150, 150, 150};
    ax.vspan(xr.lo, -x_small, shade, 0.18);
    ax.vspan(x_small, xr.hi, shade, 0.18);
    ax.line(x, s, palette::kBlue, "\xCF\x83(x) = 1 / (1 + e\xE2\x81\xBB\xCB\xA3)", 2.5);
    ax.line(x, ds, palette::kVermillion, "\xCF\x83\xE2\x80\xB2(x) = \xCF\x83(x) (1 \xE2\x88\x92 \xCF\x83(x))", 2.5);
    ax.vline(0.0, palette::kAxis, 1.0, true);
    ax.scatter({0.0}, {0.25}, palette::kBlack, Marker::Diamond, "", 7.0, 1.0);
    ax.annotate({0.0, 0.25}, {14.0, -4.0}, "peak \xCF\x83\xE2\x80\xB2(0) = 0.25: the biggest gradient", palette::kBlack);
    ax.add_legend_entry({"small gradient: \xCF\x83\xE2\x80\xB2(x) < " + fmt(kSmallGrad) + " for |x| > " + fmt(x_small, 3),
                         shade, Swatch::Patch, Marker::Circle});
    ax.legend(Corner::TopLeft);
    ax.finish({"Sigmoid and its gradient: biggest at x = 0, vanishing in the tails", "x", "value"});
    return {sheet.write(fig, "sigmoid_grad.png"), {ax.frame()}};
}

}  // namespace wi
