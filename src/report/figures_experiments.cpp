// figures_experiments.cpp - panels of line plots for `wi experiment`.
#include <algorithm>
#include <cmath>

#include "experiment_figures.h"
#include "figure_parts.h"

namespace wi {

namespace {

// Margins around the grid (tick and axis labels on the left and below, titles above each panel).
constexpr double kTop = 100, kLeft = 90, kRight = 30, kBottom = 75, kColGap = 100, kRowGap = 105;
constexpr double kRowHeight = 330;  // each row of panels beyond the second adds this much canvas

std::vector<Rect> grid(const Canvas& c, int n, int cols) {
    const int rows = (n + cols - 1) / cols;
    const double w = (c.width() - kLeft - kRight - (cols - 1) * kColGap) / cols;
    const double h = (c.height() - kTop - kBottom - (rows - 1) * kRowGap) / rows;
    std::vector<Rect> r;
    for (int i = 0; i < n; ++i)
        r.push_back({std::round(kLeft + (i % cols) * (w + kColGap)), std::round(kTop + (i / cols) * (h + kRowGap)),
                     std::round(w), std::round(h)});
    return r;
}

// Every value a panel shows (points and the ends of their error bars), for its ranges.
void gather(const PlotPanel& p, std::vector<double>& xs, std::vector<double>& ys) {
    for (const PlotSeries& s : p.series)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            xs.push_back(s.x[i]);
            ys.push_back(s.y[i]);
            if (i < s.err.size()) {
                ys.push_back(s.y[i] - s.err[i]);
                ys.push_back(s.y[i] + s.err[i]);
            }
        }
}

}  // namespace

FigureFile plot_panels(const FigureOptions& fig, const std::string& file, const std::string& heading,
                       const std::string& caption, const std::vector<PlotPanel>& panels, int cols) {
    const int n = std::max<int>(1, static_cast<int>(panels.size()));
    cols = std::max(1, std::min(cols, n));
    const int rows = (n + cols - 1) / cols;
    FigureOptions sized = fig;
    if (cols >= 3) sized.width = std::max(fig.width, fig.width * 7 / 5);
    if (rows > 2) sized.height = fig.height + static_cast<int>((rows - 2) * kRowHeight);
    Sheet sheet(sized);
    sheet.heading(heading);
    if (!caption.empty()) sheet.caption(caption, 54.0);
    const std::vector<Rect> cells = grid(sheet.canvas, n, cols);
    std::vector<Frame> frames;
    for (std::size_t k = 0; k < panels.size(); ++k) {
        const PlotPanel& p = panels[k];
        std::vector<double> xs, ys;
        gather(p, xs, ys);
        const Range xr = finite_range(xs, 0.03);
        Range yr = p.log_y ? positive_range(ys) : finite_range(ys);
        if (p.y_hi > p.y_lo) yr = {p.y_lo, p.y_hi};
        Axes ax(sheet.canvas, sheet.font, cells[k], xr, yr, p.log_y ? Scale::Log : Scale::Linear);
        for (const std::string& note : p.notes) ax.note(note);
        for (const PlotSeries& s : p.series) {
            const Color c = palette::series(s.style);
            ax.line(s.x, s.y, c, s.markers ? "" : s.label, s.width, s.dashed);
            if (s.markers) ax.scatter(s.x, s.y, c, marker_for(s.style), s.label, 4.5, 1.0);
            for (std::size_t i = 0; i < s.err.size() && i < s.x.size() && i < s.y.size(); ++i)
                ax.line({s.x[i], s.x[i]}, {s.y[i] - s.err[i], s.y[i] + s.err[i]}, c, "", 1.0);
        }
        ax.legend(Corner::Best);
        ax.finish({p.title, p.x_label, p.y_label});
        frames.push_back(ax.frame());
    }
    return {sheet.write(fig, file), frames};
}

}  // namespace wi
