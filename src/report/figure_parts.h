// figure_parts.h - what the figure files share: a canvas with its font, layout, number text,
// and the few calls into the initializer table. Internal to src/report/figures*.cpp.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "../init/init.h"
#include "../core/rng.h"
#include "axes.h"
#include "canvas.h"
#include "figures.h"
#include "text.h"

namespace wi {

// Smaller canvases cannot hold the margins, tick labels and legend.
constexpr int kMinFigureWidth = 400;
constexpr int kMinFigureHeight = 300;

// A white canvas and the font to write on it with.
struct Sheet {
    explicit Sheet(const FigureOptions& fig);
    Rect single_panel() const;                         // the plot area of a one-panel figure
    void heading(const std::string& text);             // a figure-wide title at the top
    void caption(const std::string& text, double y);   // a grey line of text centred at baseline y
    std::string write(const FigureOptions& fig, const std::string& file) const;  // PNG into fig.out_dir

    Canvas canvas;
    Font font;
};

// Data pixels under the frame's legend box or its notes (0 when it has neither).
long hidden_by_legend(const Frame& f);
// y grown at the top (or the bottom) so that `frac` of the frame's height stays free of data;
// in log10 on a log axis.
Range with_room(Range y, bool log, double frac, bool at_top);

// v with `significant` digits ("%.3g"), a typographic minus sign.
std::string fmt(double v, int significant = 3);
// "N(0, σ²), σ = 0.0495", "U(−a, a), a = 0.0357, σ = 0.0206", ...
std::string law_text(const WeightLaw& law);
double sigmoid(double x);
std::string grouped_count(long n);  // 25088 -> "25,088"

// The initializer API as the figures use it (figures.cpp keeps every call into src/init/init.h).
WeightLaw init_law(const InitSpec& spec, int fan_in, int fan_out);
std::string init_spec_text(const InitSpec& spec);  // "xavier_normal(gain=1)"
std::vector<double> sample_init_weights(const InitSpec& spec, int fan_in, int fan_out, std::size_t n, Rng& rng);
// The law's density at x; false when it has none a curve could show (constant, mixture, other).
bool law_density(const WeightLaw& law, double x, double* density);

}  // namespace wi
