// axes.h - one plot panel on a canvas: data-to-pixel mapping, grid, "nice" ticks, axis labels,
// title, series (lines, scatter markers, histogram bars), a legend and notes.
//
// Use it as matplotlib's Axes: construct (draws the background and grid), add series with
// labels, then legend() and finish() (notes, legend, spines, ticks, labels and title, on top
// of the data). Non-finite points are never drawn: a line breaks there, and finish() says in
// the panel how many were left out.
#pragma once
#include <string>
#include <vector>

#include "canvas.h"
#include "text.h"
#include "ticks.h"

namespace wi {

enum class Scale { Linear, Log };

// A plot area in pixels and the data range it shows.
struct Frame {
    Rect px;
    Range x, y;
    bool log_y = false, log_x = false;
    double to_px(double xv) const;
    double to_py(double yv) const;
    // What a reader sees, kept for checks: pixel positions of the drawn data (lines sampled every
    // 2 px, markers, bars, stems), the legend's and the notes' boxes (width 0: none) and the
    // boxes of the text labels placed in the panel.
    std::vector<Point> data;
    Rect legend, notes;
    std::vector<Rect> labels;
};

// None: a caption row in the legend box (text only, set in grey from the box's left edge).
enum class Swatch { Line, DashedLine, Markers, Patch, Stem, None };
enum class Corner { Best, TopLeft, TopRight, BottomLeft, BottomRight };

struct LegendEntry {
    std::string label;
    Color color;
    Swatch swatch = Swatch::Line;
    Marker marker = Marker::Circle;
};

struct AxesLabels {
    std::string title, x, y;
    bool y_ticks = true;  // false: a y axis without numbers (e.g. lanes of a strip plot)
};

struct AxesOptions {
    Scale x_scale = Scale::Linear;
    std::vector<double> x_ticks;  // labelled x ticks at these values (empty: chosen from the range)
    std::vector<std::string> x_tick_labels;  // their labels, when given (one per x tick): categories
    bool y_grid = true;           // false: no horizontal grid lines
};

class Axes {
public:
    Axes(Canvas& canvas, const Font& font, Rect px, Range x, Range y, Scale y_scale = Scale::Linear)
        : Axes(canvas, font, px, x, y, y_scale, AxesOptions{}) {}
    Axes(Canvas& canvas, const Font& font, Rect px, Range x, Range y, Scale y_scale, const AxesOptions& options);

    const Frame& frame() const { return frame_; }

    // A line through the points; it breaks at non-finite ones (and at y <= 0 on a log axis).
    void line(const std::vector<double>& x, const std::vector<double>& y, Color c, const std::string& label,
              double width = 2.0, bool dashed = false);
    void scatter(const std::vector<double>& x, const std::vector<double>& y, Color c, Marker m, const std::string& label,
                 double radius = 3.5, double alpha = 0.55);
    // Histogram bars: bin i spans [lo + i*w, lo + (i+1)*w), w = (hi - lo) / heights.size().
    void bars(double lo, double hi, const std::vector<double>& heights, Color c, const std::string& label);
    void vline(double x, Color c, double width = 1.2, bool dashed = true);
    // A point mass: a vertical stem at x from the axis up to y (to the top of the frame when y
    // is above it), a marker on top; dashed draws it as a dashed line without the marker.
    void stem(double x, double y, Color c, double width, bool dashed = false);
    // A shaded band over x in [x0, x1], the full height of the frame.
    void vspan(double x0, double x1, Color c, double alpha);
    // Text at a data point, offset in pixels, on a white box when boxed (kept off by the legend).
    void annotate(Point data, Point offset, const std::string& text, Color c, Align h = Align::Start, bool boxed = false);
    // Text near a data point, in the first of a few places above, below and beside it whose box
    // holds no drawn data and no other label (else the place that hides the fewest).
    void annotate_clear(Point data, const std::string& text, Color c);

    void add_legend_entry(const LegendEntry& e) { entries_.push_back(e); }
    void note(const std::string& text) { notes_.push_back(text); }  // shown in a box at the top left
    long skipped() const { return skipped_; }                        // points left out so far

    // columns > 1 sets the entries in that many columns, row by row (a wide, short legend).
    void legend(Corner where = Corner::Best, int columns = 1) {
        legend_ = where, want_legend_ = true, legend_columns_ = columns < 1 ? 1 : columns;
    }
    void finish(const AxesLabels& labels);

private:
    bool to_pixel(double x, double y, Point* p);
    void mark(Point p);  // a pixel of drawn data: legends and labels keep off it  // false (and counted) for a point that cannot be drawn
    Rect draw_notes();
    void draw_legend(const Rect& notes);
    void draw_axes(const AxesLabels& labels);
    std::vector<double> x_ticks() const;

    Canvas& canvas_;
    const Font& font_;
    Frame frame_;
    std::vector<LegendEntry> entries_;
    std::vector<std::string> notes_;
    std::vector<Point> drawn_;  // pixel positions of the data, to keep the legend off them
    long skipped_ = 0;
    std::vector<double> x_ticks_;
    std::vector<std::string> x_tick_labels_;
    Corner legend_ = Corner::Best;
    bool want_legend_ = false;
    int legend_columns_ = 1;
};

}  // namespace wi
