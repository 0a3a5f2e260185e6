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

namespace {

// One panel on `canvas`: reference lines first, then the data over them, then the legend.
Frame draw_panel(Canvas& canvas, const Font& font, const Rect& cell, const PlotPanel& p, Range xr, Range yr,
                 int legend_columns = 1) {
    AxesOptions opt;
    opt.x_scale = p.log_x ? Scale::Log : Scale::Linear;
    opt.x_ticks = p.x_ticks;
    Axes ax(canvas, font, cell, xr, yr, p.log_y ? Scale::Log : Scale::Linear, opt);
    for (const std::string& note : p.notes) ax.note(note);
    for (int pass = 0; pass < 2; ++pass)
        for (const PlotSeries& s : p.series) {
            if (s.reference != (pass == 0)) continue;
            const Color c = palette::series(s.style);
            ax.line(s.x, s.y, c, s.markers ? "" : s.label, s.width, s.dashed);
            if (s.markers) ax.scatter(s.x, s.y, c, marker_for(s.style), s.label, 4.5, 1.0);
            for (std::size_t i = 0; i < s.err.size() && i < s.x.size() && i < s.y.size(); ++i)
                ax.line({s.x[i], s.x[i]}, {s.y[i] - s.err[i], s.y[i] + s.err[i]}, c, "", 1.0);
        }
    ax.legend(Corner::Best, legend_columns);
    ax.finish({p.title, p.x_label, p.y_label});
    return ax.frame();
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
    // Each panel's ranges; panels of one y group share the union of their y ranges.
    std::vector<Range> xrs, yrs;
    for (const PlotPanel& p : panels) {
        std::vector<double> xs, ys;
        gather(p, xs, ys);
        xrs.push_back(p.log_x ? positive_range(xs, 0.04) : finite_range(xs, 0.03));
        Range yr = p.log_y ? positive_range(ys) : finite_range(ys);
        if (p.y_hi > p.y_lo) yr = {p.y_lo, p.y_hi};
        yrs.push_back(yr);
    }
    auto share = [&](std::vector<Range>& r) {
        for (std::size_t k = 0; k < panels.size(); ++k)
            for (std::size_t j = 0; j < panels.size(); ++j)
                if (panels[k].y_group != 0 && panels[j].y_group == panels[k].y_group) r[k] = merge(r[k], r[j]);
    };
    share(yrs);
    // A legend that covers data wherever it goes: room above (or below) the data for it, in
    // one to three columns (a short legend needs less room), tried on a scratch canvas; the
    // choice hiding the fewest data pixels wins, then the one needing the least room.
    Canvas scratch(sheet.canvas.width(), sheet.canvas.height(), palette::kWhite);
    std::vector<int> columns(panels.size(), 1);
    for (std::size_t k = 0; k < panels.size(); ++k) {
        const Frame trial = draw_panel(scratch, sheet.font, cells[k], panels[k], xrs[k], yrs[k]);
        long least = hidden_by_legend(trial);
        if (least == 0) continue;
        Range best = yrs[k];
        double least_frac = 1.0;
        for (int c = 1; c <= 3; ++c) {
            const Frame shaped = draw_panel(scratch, sheet.font, cells[k], panels[k], xrs[k], yrs[k], c);
            if (c > 1 && shaped.legend.width > cells[k].width - 10) break;  // too wide for the frame
            const double frac = std::min(0.6, (shaped.legend.height + 16.0) / cells[k].height);
            for (bool top : {true, false}) {
                const Range grown = with_room(yrs[k], panels[k].log_y, frac, top);
                const long hidden = hidden_by_legend(draw_panel(scratch, sheet.font, cells[k], panels[k], xrs[k], grown, c));
                if (hidden < least || (hidden == least && frac < least_frac))
                    least = hidden, best = grown, least_frac = frac, columns[k] = c;
            }
        }
        yrs[k] = best;
    }
    share(yrs);
    std::vector<Frame> frames;
    for (std::size_t k = 0; k < panels.size(); ++k) {
        frames.push_back(draw_panel(sheet.canvas, sheet.font, cells[k], panels[k], xrs[k], yrs[k], columns[k]));
    }
    return {sheet.write(fig, file), frames};
}

}  // namespace wi
