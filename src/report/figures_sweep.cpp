// figures_sweep.cpp - the sweep's figure: a line with a band over one axis, heatmaps over two
// or three.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "figure_parts.h"
#include "sweep_figures.h"

namespace wi {

namespace {

constexpr double kCellText = 15;      // the size of the numbers in the cells
constexpr double kLabelText = 14;     // row and column labels
constexpr double kBarWidth = 22;      // the colour bar
constexpr double kRightMargin = 130;  // room for the colour bar and its labels
constexpr Color kNotMeasured{205, 205, 205};

bool numeric(const std::vector<std::string>& values, std::vector<double>* out) {
    out->clear();
    for (const std::string& v : values) {
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !std::isfinite(d)) return false;
        out->push_back(d);
    }
    return true;
}

// The colour scale's range: the measured means (a single value gets a range around it).
Range value_range(const std::vector<SweepCell>& cells) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const SweepCell& c : cells)
        if (c.n > 0) lo = std::min(lo, c.mean), hi = std::max(hi, c.mean);
    if (!(lo <= hi)) return {0, 1};
    if (lo == hi) return {lo - 0.5, hi + 0.5};
    return {lo, hi};
}

FigureFile plot_line(const FigureOptions& fig, const std::string& file, const SweepFigure& s) {
    Sheet sheet(fig);
    sheet.heading(s.heading);
    if (!s.caption.empty()) sheet.caption(s.caption, 54.0);
    const SweepFigureAxis& a = s.axes[0];
    std::vector<double> x;
    const bool is_numeric = numeric(a.values, &x);
    AxesOptions opt;
    if (!is_numeric) {
        x.clear();
        for (std::size_t i = 0; i < a.values.size(); ++i) x.push_back(static_cast<double>(i));
        opt.x_ticks = x;
        opt.x_tick_labels = a.values;
    }
    const bool log_x = is_numeric && a.log;
    opt.x_scale = log_x ? Scale::Log : Scale::Linear;
    std::vector<double> mean, lo, hi, all;
    int seeds = 0;
    for (const SweepCell& c : s.cells) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        mean.push_back(c.n > 0 ? c.mean : nan);
        lo.push_back(c.n > 0 ? c.lo : nan);
        hi.push_back(c.n > 0 ? c.hi : nan);
        if (c.n > 0) all.insert(all.end(), {c.lo, c.hi});
        seeds = std::max(seeds, c.n);
    }
    const Range xr = !is_numeric ? Range{-0.5, x.size() - 0.5} : log_x ? positive_range(x, 0.04) : finite_range(x, 0.04);
    const Range yr = with_room(finite_range(all), false, 0.15, true);
    Axes ax(sheet.canvas, sheet.font, sheet.single_panel(), xr, yr, Scale::Linear, opt);
    const Frame& f = ax.frame();
    const Color c = palette::kBlue;
    if (seeds > 1 && is_numeric) {  // the band: min to max, one pixel column at a time between measured points
        sheet.canvas.set_clip(f.px);
        for (std::size_t i = 0; i + 1 < x.size(); ++i) {
            if (!std::isfinite(lo[i]) || !std::isfinite(lo[i + 1])) continue;
            const double x0 = f.to_px(x[i]), x1 = f.to_px(x[i + 1]);
            for (double px = std::floor(x0); px < x1; px += 1.0) {
                const double t = std::clamp((px + 0.5 - x0) / (x1 - x0), 0.0, 1.0);
                const double top = f.to_py(hi[i] + (hi[i + 1] - hi[i]) * t);
                const double bottom = f.to_py(lo[i] + (lo[i + 1] - lo[i]) * t);
                sheet.canvas.fill_rect({px, top, 1.0, std::max(1.0, bottom - top)}, c, 0.22);
            }
        }
        sheet.canvas.reset_clip();
        ax.add_legend_entry({"min to max of " + std::to_string(seeds) + " seeds", c, Swatch::Patch});
    }
    if (seeds > 1) {  // and a bar at each point (a lone point, or a category, has no band)
        for (std::size_t i = 0; i < x.size(); ++i)
            if (std::isfinite(lo[i])) ax.line({x[i], x[i]}, {lo[i], hi[i]}, c, "", is_numeric ? 1.0 : 2.0);
        if (!is_numeric) ax.add_legend_entry({"min to max of " + std::to_string(seeds) + " seeds", c, Swatch::Line});
    }
    // categories are not a scale: their means are markers, not a line through them
    if (is_numeric) ax.line(x, mean, c, seeds > 1 ? "mean over seeds" : "", 2.0);
    else if (seeds > 1) ax.add_legend_entry({"mean over seeds", c, Swatch::Markers, Marker::Circle});
    ax.scatter(x, mean, c, Marker::Circle, "", 4.5, 1.0);
    if (seeds > 1) ax.legend(Corner::Best);
    ax.finish({"", a.key, s.metric});
    FigureFile out;
    out.path = sheet.write(fig, file);
    out.panels = {ax.frame()};
    return out;
}

// One heatmap panel in `area`: rows axis r, columns axis c, cells from `first` in the cell list.
void heatmap_panel(Sheet& sheet, const Rect& area, const SweepFigure& s, std::size_t first, Range scale,
                   const std::string& title, FigureFile* out) {
    const SweepFigureAxis &rows = s.axes[0], &cols = s.axes[1];
    const std::size_t nr = rows.values.size(), nc = cols.values.size();
    TextStyle label;
    label.size = kLabelText;
    double widest = 0;
    for (const std::string& v : rows.values) widest = std::max(widest, sheet.font.width(v, kLabelText));
    const double left = std::min(area.width * 0.4, widest + 44);
    const Rect g = {std::round(area.left + left), area.top, std::round(area.width - left), std::round(area.height - 52)};
    const double cw = g.width / nc, ch = g.height / nr;
    for (std::size_t r = 0; r < nr; ++r)
        for (std::size_t k = 0; k < nc; ++k) {
            const SweepCell& cell = s.cells[first + r * nc + k];
            const Rect box = {std::round(g.left + k * cw), std::round(g.top + r * ch), std::round(g.left + (k + 1) * cw) -
                                  std::round(g.left + k * cw), std::round(g.top + (r + 1) * ch) - std::round(g.top + r * ch)};
            const double t = cell.n > 0 ? std::clamp((cell.mean - scale.lo) / (scale.hi - scale.lo), 0.0, 1.0) : 0;
            const Color fill = cell.n > 0 ? heat_color(t) : kNotMeasured;
            sheet.canvas.fill_rect(box, fill);
            out->table.push_back(box);
            std::string text = cell.n > 0 ? fmt(cell.mean, 3) : cell.note.empty() ? "n/a" : cell.note;
            if (cell.n > 0 && cell.n < cell.runs)  // the mean of the measured runs only: say how many
                text += " (" + std::to_string(cell.n) + " of " + std::to_string(cell.runs) + ")";
            TextStyle st;
            st.h = st.v = Align::Center;
            st.size = kCellText;
            while (st.size > 8 && sheet.font.width(text, st.size) > box.width - 6) st.size -= 1;
            st.color = cell.n > 0 && t < 0.55 ? palette::kWhite : palette::kText;
            if (sheet.font.width(text, st.size) <= box.width - 4 && box.height >= st.size)
                draw_text(sheet.canvas, sheet.font, text, {box.left + box.width / 2, box.top + box.height / 2}, st);
        }
    // Labels: the rows' values on the left, the columns' below, each axis's key beside them.
    label.h = Align::End;
    label.v = Align::Center;
    for (std::size_t r = 0; r < nr; ++r)
        draw_text(sheet.canvas, sheet.font, rows.values[r], {g.left - 8, g.top + (r + 0.5) * ch}, label);
    label.h = Align::Center;
    label.v = Align::Start;
    for (std::size_t k = 0; k < nc; ++k)
        draw_text(sheet.canvas, sheet.font, cols.values[k], {g.left + (k + 0.5) * cw, g.bottom() + 8}, label);
    TextStyle key;
    key.size = 16;
    key.h = Align::Center;
    draw_text(sheet.canvas, sheet.font, cols.key, {g.left + g.width / 2, g.bottom() + 32}, key);
    key.vertical = true;
    key.v = Align::End;
    draw_text(sheet.canvas, sheet.font, rows.key, {g.left - widest - 20, g.top + g.height / 2}, key);
    if (!title.empty()) {
        TextStyle t;
        t.size = 17;
        t.h = Align::Center;
        t.v = Align::End;
        draw_text(sheet.canvas, sheet.font, title, {g.left + g.width / 2, g.top - 10}, t);
    }
    Frame f;
    f.px = g;
    out->panels.push_back(f);
}

void colour_bar(Sheet& sheet, const Rect& bar, Range scale, const std::string& metric) {
    for (double y = bar.top; y < bar.bottom(); y += 1.0) {
        const double t = 1.0 - (y + 0.5 - bar.top) / bar.height;
        sheet.canvas.fill_rect({bar.left, y, bar.width, 1.0}, heat_color(t));
    }
    TextStyle st;
    st.size = 13;
    st.v = Align::Center;
    const std::vector<double> ticks = nice_ticks(scale, 6);
    const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : scale.hi - scale.lo;
    for (double v : ticks) {
        const double y = bar.bottom() - (v - scale.lo) / (scale.hi - scale.lo) * bar.height;
        sheet.canvas.fill_rect({bar.right(), y - 0.6, 5, 1.2}, palette::kAxis);
        draw_text(sheet.canvas, sheet.font, tick_label(v, step), {bar.right() + 8, y}, st);
    }
    TextStyle lab;
    lab.size = 15;
    lab.vertical = true;
    lab.h = Align::Center;
    lab.v = Align::Start;
    draw_text(sheet.canvas, sheet.font, metric, {bar.right() + 62, bar.top + bar.height / 2}, lab);
}

FigureFile plot_heatmaps(const FigureOptions& fig, const std::string& file, const SweepFigure& s) {
    const std::size_t panels = s.axes.size() == 3 ? s.axes[2].values.size() : 1;
    const int cols = static_cast<int>(std::min<std::size_t>(panels, 3));
    const int rows = static_cast<int>((panels + cols - 1) / cols);
    FigureOptions sized = fig;
    if (cols > 1) sized.width = std::max(fig.width, 560 * cols + 150);
    if (rows > 1) sized.height = fig.height + (rows - 1) * 520;
    Sheet sheet(sized);
    sheet.heading(s.heading);
    if (!s.caption.empty()) sheet.caption(s.caption, 54.0);
    const Range scale = value_range(s.cells);
    const double top = panels > 1 ? 110 : 80, bottom = 30, gap_x = 60, gap_y = 90;
    const double w = (sheet.canvas.width() - 40 - kRightMargin - (cols - 1) * gap_x) / cols;
    const double h = (sheet.canvas.height() - top - bottom - (rows - 1) * gap_y) / rows;
    FigureFile out;
    const std::size_t per_panel = s.axes[0].values.size() * s.axes[1].values.size();
    // The cells come with the third axis fastest: regroup them panel by panel.
    for (std::size_t p = 0; p < panels; ++p) {
        SweepFigure one = s;
        one.cells.clear();
        for (std::size_t i = 0; i < per_panel; ++i) one.cells.push_back(s.cells[i * panels + p]);
        const Rect area = {20 + (p % cols) * (w + gap_x), top + (p / cols) * (h + gap_y), w, h};
        const std::string title = panels > 1 ? s.axes[2].key + " = " + s.axes[2].values[p] : "";
        heatmap_panel(sheet, area, one, 0, scale, title, &out);
    }
    const Rect bar = {sheet.canvas.width() - kRightMargin + 10, top, kBarWidth, sheet.canvas.height() - top - bottom - 52};
    colour_bar(sheet, bar, scale, s.metric);
    out.path = sheet.write(fig, file);
    return out;
}

}  // namespace

Color heat_color(double t) {
    // viridis at six stops, linearly between them
    static const Color stops[] = {{68, 1, 84}, {65, 68, 135}, {42, 120, 142}, {34, 168, 132}, {122, 209, 81}, {253, 231, 37}};
    const int n = sizeof stops / sizeof *stops;
    t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
    const double u = t * (n - 1);
    const int i = std::min(n - 2, static_cast<int>(u));
    const double f = u - i;
    auto mix = [&](std::uint8_t a, std::uint8_t b) { return static_cast<std::uint8_t>(std::lround(a + (b - a) * f)); };
    return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b)};
}

FigureFile plot_sweep(const FigureOptions& fig, const std::string& file, const SweepFigure& s) {
    if (s.axes.size() == 1) return plot_line(fig, file, s);
    return plot_heatmaps(fig, file, s);
}

}  // namespace wi
