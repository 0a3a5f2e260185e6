// axes.h - one plot panel on a canvas: data-to-pixel mapping, grid, "nice" ticks, axis labels,
// title, series (lines, scatter markers, histogram bars), a legend and notes.
//
// Use it as matplotlib's Axes: construct (draws the background and grid), add series with
// labels, then legend() and finish() (spines, ticks, labels and title on top of the data).
// Non-finite points are never drawn: a line breaks there, and finish() says how many were left out.
#pragma once
#include <string>
#include <vector>

#include "canvas.h"
#include "text.h"

namespace wi {

struct Range {
    double lo = 0.0, hi = 1.0;
};

// A step of 1, 2 or 5 x 10^k that cuts span into about target intervals.
double nice_step(double span, int target);
// The multiples of nice_step(r.hi - r.lo, target) that lie in r.
std::vector<double> nice_ticks(Range r, int target);
// A tick value printed with as many decimals as the step needs ("0.2", "1000", "0.05", "1e-08").
std::string tick_label(double value, double step);
// The range of the finite values, widened by margin x span on each side (matplotlib's 5 %);
// a single value v gets v +- max(|v|/10, 0.5); no finite value gives [0, 1].
Range finite_range(const std::vector<double>& values, double margin = 0.05);
Range merge(Range a, Range b);

// A plot area in pixels and the data range it shows.
struct Frame {
    Rect px;
    Range x, y;
    double to_px(double xv) const { return px.left + (xv - x.lo) / (x.hi - x.lo) * px.width; }
    double to_py(double yv) const { return px.bottom() - (yv - y.lo) / (y.hi - y.lo) * px.height; }
};

enum class Swatch { Line, DashedLine, Markers, Patch };
enum class Corner { Best, TopLeft, TopRight, BottomLeft, BottomRight };

struct LegendEntry {
    std::string label;
    Color color;
    Swatch swatch = Swatch::Line;
    Marker marker = Marker::Circle;
};

struct AxesLabels {
    std::string title, x, y;
};

class Axes {
public:
    Axes(Canvas& canvas, const Font& font, Rect px, Range x, Range y);

    const Frame& frame() const { return frame_; }

    // A line through the points; it breaks at non-finite ones.
    void line(const std::vector<double>& x, const std::vector<double>& y, Color c, const std::string& label,
              double width = 2.0, bool dashed = false);
    void scatter(const std::vector<double>& x, const std::vector<double>& y, Color c, Marker m, const std::string& label,
                 double radius = 3.5, double alpha = 0.55);
    // Histogram bars: bin i spans [lo + i*w, lo + (i+1)*w), w = (hi - lo) / heights.size().
    void bars(double lo, double hi, const std::vector<double>& heights, Color c, const std::string& label);
    void vline(double x, Color c, double width = 1.2, bool dashed = true);
    // A shaded band over x in [x0, x1], the full height of the frame; label adds a legend patch.
    void vspan(double x0, double x1, Color c, double alpha, const std::string& label);
    void hline(double y, Color c, double width = 1.2, bool dashed = true);
    // Text at a data point, offset in pixels.
    void annotate(Point data, Point offset, const std::string& text, Color c, Align h = Align::Start);

    void note(const std::string& text) { notes_.push_back(text); }  // shown in a box at the top left
    long skipped() const { return skipped_; }                        // non-finite points left out so far

    void legend(Corner where = Corner::Best);
    void finish(const AxesLabels& labels);

private:
    double clamp_px(double v) const;  // keeps far-away points finite for the rasterizer
    Rect legend_box(Corner c, double w, double h) const;

    Canvas& canvas_;
    const Font& font_;
    Frame frame_;
    std::vector<LegendEntry> entries_;
    std::vector<std::string> notes_;
    std::vector<Point> drawn_;  // pixel positions of the data, to keep the legend off them
    long skipped_ = 0;
};

}  // namespace wi
