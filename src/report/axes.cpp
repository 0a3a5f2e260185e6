#include "axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wi {

namespace {

// Sizes in pixels, chosen by eye at 1000x700 to read like matplotlib's defaults at 100 dpi.
constexpr double kTickLength = 5.0;
constexpr double kTickLabelSize = 13.0;
constexpr double kAxisLabelSize = 15.0;
constexpr double kTitleSize = 18.0;
constexpr double kLegendSize = 14.0;
constexpr double kLegendRow = 22.0;
constexpr double kLegendSwatch = 30.0;
constexpr double kInset = 10.0;        // boxes inside the frame keep this far from its edges
constexpr double kPxPerXTick = 110.0;  // about one x tick per 110 px leaves room for labels like "−0.15"
constexpr double kPxPerYTick = 65.0;

// Offscreen points are pulled in to this distance outside the canvas: far enough that the
// visible part of a line keeps its direction to within a pixel, near enough to stay finite.
constexpr double kFarAway = 1e6;

double clamp_px(double v) { return std::max(-kFarAway, std::min(kFarAway, v)); }

// How many ticks fit along a side of the given length, at one per `per_tick` pixels (0 to 100).
int tick_target(double length, double per_tick) {
    const double n = length / per_tick;
    return n > 0 ? (n < 100 ? static_cast<int>(n) : 100) : 0;
}

bool overlaps(const Rect& a, const Rect& b) {
    return a.width > 0 && b.width > 0 && a.left < b.right() && b.left < a.right() && a.top < b.bottom() &&
           b.top < a.bottom();
}

void outline(Canvas& canvas, const Rect& b, Color c) {
    canvas.fill_rect({b.left, b.top, b.width, 1}, c);
    canvas.fill_rect({b.left, b.bottom() - 1, b.width, 1}, c);
    canvas.fill_rect({b.left, b.top, 1, b.height}, c);
    canvas.fill_rect({b.right() - 1, b.top, 1, b.height}, c);
}

}  // namespace

double Frame::to_py(double yv) const {
    if (log_y) return px.bottom() - std::log10(yv / y.lo) / std::log10(y.hi / y.lo) * px.height;
    return px.bottom() - (yv - y.lo) / (y.hi - y.lo) * px.height;
}

double Frame::to_px(double xv) const {
    if (log_x) return px.left + std::log10(xv / x.lo) / std::log10(x.hi / x.lo) * px.width;
    return px.left + (xv - x.lo) / (x.hi - x.lo) * px.width;
}

std::vector<double> Axes::x_ticks() const {
    if (!x_ticks_.empty()) {
        std::vector<double> t;
        for (double v : x_ticks_)
            if (v >= frame_.x.lo && v <= frame_.x.hi && (!frame_.log_x || v > 0)) t.push_back(v);
        return t;
    }
    const int n = tick_target(frame_.px.width, kPxPerXTick);
    return frame_.log_x ? log_ticks(frame_.x, n) : nice_ticks(frame_.x, n);
}

Axes::Axes(Canvas& canvas, const Font& font, Rect px, Range x, Range y, Scale y_scale, const AxesOptions& options)
    : canvas_(canvas), font_(font), x_ticks_(options.x_ticks), x_tick_labels_(options.x_tick_labels) {
    const bool y_grid = options.y_grid;
    frame_.px = px;
    frame_.x = x;
    frame_.y = y;
    frame_.log_y = y_scale == Scale::Log && y.lo > 0 && y.hi > y.lo;
    frame_.log_x = options.x_scale == Scale::Log && x.lo > 0 && x.hi > x.lo;
    canvas_.fill_rect(px, palette::kWhite);
    for (double t : x_ticks())
        canvas_.fill_rect({frame_.to_px(t) - 0.5, px.top, 1.0, px.height}, palette::kGrid);
    const int ny = tick_target(px.height, kPxPerYTick);
    for (double t : !y_grid ? std::vector<double>{} : frame_.log_y ? log_ticks(y, ny) : nice_ticks(y, ny))
        canvas_.fill_rect({px.left, frame_.to_py(t) - 0.5, px.width, 1.0}, palette::kGrid);
}

void Axes::mark(Point p) {
    drawn_.push_back(p);
    frame_.data.push_back(p);
}

bool Axes::to_pixel(double x, double y, Point* p) {
    if (!std::isfinite(x) || !std::isfinite(y) || (frame_.log_y && !(y > 0.0)) || (frame_.log_x && !(x > 0.0))) {
        ++skipped_;
        return false;
    }
    *p = {clamp_px(frame_.to_px(x)), clamp_px(frame_.to_py(y))};
    return true;
}

void Axes::line(const std::vector<double>& x, const std::vector<double>& y, Color c, const std::string& label,
                double width, bool dashed) {
    canvas_.set_clip(frame_.px);
    std::vector<Point> run;  // consecutive drawable points
    auto flush = [&]() {
        if (dashed)
            for (std::size_t i = 0; i + 1 < run.size(); ++i) canvas_.dashed_line(run[i], run[i + 1], c, width, 7.0, 4.0);
        else
            canvas_.polyline(run, c, width);
        run.clear();
    };
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
        Point p;
        if (!to_pixel(x[i], y[i], &p)) {
            flush();
            continue;
        }
        // Remember points every 2 pixels along the segment, so the legend and labels keep off lines too.
        if (!run.empty()) {
            const double len = std::hypot(p.x - run.back().x, p.y - run.back().y);
            for (double t = 2.0; t < len && t < 4000.0; t += 2.0)
                mark({run.back().x + (p.x - run.back().x) * t / len, run.back().y + (p.y - run.back().y) * t / len});
        }
        run.push_back(p);
        mark(p);
    }
    flush();
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, dashed ? Swatch::DashedLine : Swatch::Line, Marker::Circle});
}

void Axes::scatter(const std::vector<double>& x, const std::vector<double>& y, Color c, Marker m,
                   const std::string& label, double radius, double alpha) {
    canvas_.set_clip(frame_.px);
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
        Point p;
        if (!to_pixel(x[i], y[i], &p)) continue;
        canvas_.marker(p, m, radius, c, alpha);
        mark(p);
    }
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, Swatch::Markers, m});
}

void Axes::bars(double lo, double hi, const std::vector<double>& heights, Color c, const std::string& label) {
    if (heights.empty()) return;
    canvas_.set_clip(frame_.px);
    const double w = (hi - lo) / static_cast<double>(heights.size());
    const double base = clamp_px(frame_.to_py(frame_.log_y ? frame_.y.lo : 0.0));
    // Bar edges snap to whole pixels, so neighbouring bars meet without a seam or an overlap.
    auto edge = [&](std::size_t i) { return std::round(clamp_px(frame_.to_px(lo + w * static_cast<double>(i)))); };
    std::vector<Point> contour = {{edge(0), base}};  // the bars' outline, drawn over the fill
    for (std::size_t i = 0; i < heights.size(); ++i) {
        const double x0 = edge(i), x1 = edge(i + 1);
        Point top{x0, base};
        if (!to_pixel(lo + w * (i + 0.5), heights[i], &top)) top.y = base;
        canvas_.fill_rect({x0, std::min(top.y, base), x1 - x0, std::abs(base - top.y)}, c, 0.45);
        contour.push_back({x0, top.y});
        contour.push_back({x1, top.y});
        for (double f = 0.0; f <= 1.0; f += 0.25) mark({(x0 + x1) / 2, top.y + (base - top.y) * f});
    }
    contour.push_back({contour.back().x, base});
    canvas_.polyline(contour, c, 1.3);
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, Swatch::Patch, Marker::Circle});
}

void Axes::vline(double x, Color c, double width, bool dashed) {
    if (!std::isfinite(x)) return;
    const Point p{clamp_px(frame_.to_px(x)), frame_.px.top}, q{p.x, frame_.px.bottom()};
    canvas_.set_clip(frame_.px);
    dashed ? canvas_.dashed_line(p, q, c, width, 6.0, 4.0) : canvas_.line(p, q, c, width);
    canvas_.reset_clip();
}

void Axes::stem(double x, double y, Color c, double width, bool dashed) {
    Point top;
    if (!to_pixel(x, y, &top)) return;
    const Rect& f = frame_.px;
    const double base = clamp_px(frame_.to_py(frame_.log_y ? frame_.y.lo : 0.0));
    top.y = std::max(top.y, f.top + 4.0);
    canvas_.set_clip(f);
    if (dashed) {
        canvas_.dashed_line({top.x, base}, top, c, width, 6.0, 4.0);
    } else {
        canvas_.line({top.x, base}, top, c, width);
        canvas_.marker(top, Marker::Circle, width + 2.0, c);
    }
    canvas_.reset_clip();
    for (double py = top.y; py <= base; py += 2.0) mark({top.x, py});
}

void Axes::vspan(double x0, double x1, Color c, double alpha) {
    const double a = clamp_px(frame_.to_px(std::min(x0, x1))), b = clamp_px(frame_.to_px(std::max(x0, x1)));
    canvas_.set_clip(frame_.px);
    canvas_.fill_rect({a, frame_.px.top, b - a, frame_.px.height}, c, alpha);
    canvas_.reset_clip();
}

void Axes::annotate(Point data, Point offset, const std::string& text, Color c, Align h, bool boxed) {
    Point at;
    if (!to_pixel(data.x, data.y, &at)) return;
    at = {at.x + offset.x, at.y + offset.y};
    TextStyle st;
    st.size = kLegendSize;
    st.color = c;
    st.h = h;
    st.v = Align::Center;
    const double w = font_.width(text, st.size), left = h == Align::Start ? at.x : h == Align::Center ? at.x - w / 2 : at.x - w;
    const Rect box{left - 3, at.y - st.size * 0.6, w + 6, st.size * 1.2};
    if (boxed) canvas_.fill_rect(box, palette::kWhite, 0.8);
    draw_text(canvas_, font_, text, at, st);
    frame_.labels.push_back(box);
    for (double f = 0.0; f <= 1.0; f += 0.25) drawn_.push_back({box.left + box.width * f, box.top + box.height / 2});
}

void Axes::annotate_clear(Point data, const std::string& text, Color c) {
    Point at;
    if (!to_pixel(data.x, data.y, &at)) return;
    const Rect& f = frame_.px;
    const double w = font_.width(text, kLegendSize), h = kLegendSize * 1.2;
    auto hits = [&](const Rect& b) {
        const Rect grown{b.left - 2, b.top - 2, b.width + 4, b.height + 4};
        long n = 0;
        for (const Point& q : frame_.data)
            n += q.x >= grown.left && q.x <= grown.right() && q.y >= grown.top && q.y <= grown.bottom();
        for (const Rect& l : frame_.labels) n += overlaps(grown, l) ? 1000 : 0;
        return n;
    };
    Rect best{};
    long least = -1;
    for (double dy : {-18.0, 18.0, -30.0, 30.0, -44.0, 44.0, -60.0, 60.0, -80.0, 80.0}) {
        for (double dx : {-w - 6.0, 6.0, -w / 2}) {  // to the left, to the right, centred
            const Rect b{at.x + dx - 3, at.y + dy - h / 2, w + 6, h};
            if (b.left < f.left + 2 || b.right() > f.right() - 2 || b.top < f.top + 2 || b.bottom() > f.bottom() - 2) continue;
            const long n = hits(b);
            if (least < 0 || n < least) least = n, best = b;
            if (n == 0) break;
        }
        if (least == 0) break;
    }
    if (least < 0) best = {at.x - w - 9, at.y - 18 - h / 2, w + 6, h};  // no place inside the frame: above, to the left
    TextStyle st;
    st.size = kLegendSize;
    st.color = c;
    st.v = Align::Center;
    if (least != 0) canvas_.fill_rect(best, palette::kWhite, 0.8);
    draw_text(canvas_, font_, text, {best.left + 3, best.top + h / 2}, st);
    frame_.labels.push_back(best);
    for (double fx = 0.0; fx <= 1.0; fx += 0.25) drawn_.push_back({best.left + best.width * fx, best.top + best.height / 2});
}

Rect Axes::draw_notes() {
    if (skipped_ > 0)
        notes_.push_back(std::to_string(skipped_) + (skipped_ == 1 ? " value" : " values") +
                         (frame_.log_y ? " not finite or not positive: not drawn" : " not finite (NaN/Inf): not drawn"));
    if (notes_.empty()) return {};
    double w = 0.0;
    for (const std::string& n : notes_) w = std::max(w, font_.width(n, kLegendSize));
    const Rect& f = frame_.px;
    const Rect box{f.left + kInset, f.top + kInset, w + 20, 10 + kLegendRow * notes_.size()};
    canvas_.fill_rect(box, palette::kWhite, 0.85);
    canvas_.fill_rect({box.left, box.top, 3, box.height}, palette::kVermillion);
    frame_.notes = box;
    TextStyle st;
    st.size = kLegendSize;
    st.color = palette::kVermillion;
    st.v = Align::Center;
    for (std::size_t i = 0; i < notes_.size(); ++i)
        draw_text(canvas_, font_, notes_[i], {box.left + 12, box.top + 5 + kLegendRow * (i + 0.5)}, st);
    return box;
}

void Axes::draw_legend(const Rect& notes) {
    if (!want_legend_ || entries_.empty()) return;
    const Rect& f = frame_.px;
    const int cols = std::max(1, std::min<int>(legend_columns_, static_cast<int>(entries_.size())));
    const std::size_t rows = (entries_.size() + cols - 1) / cols;
    double text_w = 0.0;
    for (const LegendEntry& e : entries_) text_w = std::max(text_w, font_.width(e.label, kLegendSize));
    // A legend wider than the frame is set smaller (down to 10 px) so it stays inside.
    const double room = (f.width - 2 * kInset) / cols - (10 + kLegendSwatch + 8 + 12);
    const double size = text_w > room ? std::max(10.0, kLegendSize * room / text_w) : kLegendSize;
    text_w *= size / kLegendSize;
    const double col_w = 10 + kLegendSwatch + 8 + text_w + 12;
    const double w = col_w * cols, h = 8 + kLegendRow * rows + 2;
    auto box_at = [&](Corner c) -> Rect {
        const bool left = c == Corner::TopLeft || c == Corner::BottomLeft;
        const bool top = c == Corner::TopLeft || c == Corner::TopRight;
        return {left ? f.left + kInset : f.right() - kInset - w, top ? f.top + kInset : f.bottom() - kInset - h, w, h};
    };
    Rect b = box_at(legend_);
    if (legend_ == Corner::Best || overlaps(b, notes)) {
        // matplotlib's loc="best": the place that hides the fewest data points, never over the notes.
        std::vector<Rect> places;
        for (Corner c : {Corner::TopRight, Corner::TopLeft, Corner::BottomRight, Corner::BottomLeft})
            places.push_back(box_at(c));
        if (notes.width > 0) places.push_back({notes.left, notes.bottom() + 6, w, h});  // under the notes
        std::size_t least = SIZE_MAX;
        for (const Rect& p : places) {
            if (overlaps(p, notes)) continue;
            const std::size_t hidden = std::count_if(drawn_.begin(), drawn_.end(), [&p](Point q) {
                return q.x >= p.left && q.x <= p.right() && q.y >= p.top && q.y <= p.bottom();
            });
            if (hidden < least) least = hidden, b = p;
        }
    }
    canvas_.fill_rect(b, palette::kWhite, 0.85);
    outline(canvas_, b, Color{200, 200, 200});
    frame_.legend = b;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const LegendEntry& e = entries_[i];
        const double cy = b.top + 8 + kLegendRow * (i / cols + 0.5), sx = b.left + 10 + col_w * (i % cols);
        switch (e.swatch) {
            case Swatch::Line: canvas_.line({sx, cy}, {sx + kLegendSwatch, cy}, e.color, 2.5); break;
            case Swatch::DashedLine: canvas_.dashed_line({sx, cy}, {sx + kLegendSwatch, cy}, e.color, 2.0, 7.0, 4.0); break;
            case Swatch::Markers:
                for (double dx : {5.0, 15.0, 25.0}) canvas_.marker({sx + dx, cy}, e.marker, 4.0, e.color);  // opaque: the series' true colour
                break;
            case Swatch::Patch:
                canvas_.fill_rect({sx + 3, cy - 7, kLegendSwatch - 6, 14}, e.color, 0.45);
                canvas_.fill_rect({sx + 3, cy - 7, kLegendSwatch - 6, 1.3}, e.color);
                break;
            case Swatch::Stem:
                canvas_.line({sx + 15, cy + 8}, {sx + 15, cy - 4}, e.color, 2.5);
                canvas_.marker({sx + 15, cy - 4}, Marker::Circle, 4.0, e.color);
                break;
            case Swatch::None: break;
        }
        TextStyle st;
        st.size = size;
        st.v = Align::Center;
        st.color = e.swatch == Swatch::None ? palette::kAxis : palette::kText;
        // a row without a swatch is a caption: it starts at the box's left edge
        draw_text(canvas_, font_, e.label, {e.swatch == Swatch::None ? sx : sx + kLegendSwatch + 8, cy}, st);
    }
}

void Axes::draw_axes(const AxesLabels& labels) {
    const Rect& f = frame_.px;
    // Spines: the frame's four sides, one pixel outside the plot area.
    outline(canvas_, {f.left - 1, f.top - 1, f.width + 2, f.height + 2}, palette::kAxis);

    TextStyle tick;
    tick.size = kTickLabelSize;
    tick.h = Align::Center;
    const int nx = tick_target(f.width, kPxPerXTick), ny = tick_target(f.height, kPxPerYTick);
    const double xstep = nice_step(frame_.x.hi - frame_.x.lo, nx);
    for (double t : x_ticks()) {
        const double px = frame_.to_px(t);
        canvas_.fill_rect({px - 0.6, f.bottom() + 1, 1.2, kTickLength}, palette::kAxis);
        char given[32];
        std::snprintf(given, sizeof given, "%g", t);
        std::string text = !x_ticks_.empty() ? std::string(given) : frame_.log_x ? log_tick_label(t) : tick_label(t, xstep);
        for (std::size_t i = 0; i < x_ticks_.size() && i < x_tick_labels_.size(); ++i)
            if (x_ticks_[i] == t) text = x_tick_labels_[i];
        draw_text(canvas_, font_, text, {px, f.bottom() + kTickLength + 5}, tick);
    }
    tick.h = Align::End;
    tick.v = Align::Center;
    double widest = 0.0;
    if (labels.y_ticks) {
        const double ystep = nice_step(frame_.y.hi - frame_.y.lo, ny);
        if (frame_.log_y)
            for (double t : log_minor_ticks(frame_.y))
                canvas_.fill_rect({f.left - 1 - kTickLength * 0.6, frame_.to_py(t) - 0.5, kTickLength * 0.6, 1.0}, palette::kAxis);
        for (double t : frame_.log_y ? log_ticks(frame_.y, ny) : nice_ticks(frame_.y, ny)) {
            const double py = frame_.to_py(t);
            canvas_.fill_rect({f.left - 1 - kTickLength, py - 0.6, kTickLength, 1.2}, palette::kAxis);
            const std::string text = frame_.log_y ? log_tick_label(t) : tick_label(t, ystep);
            widest = std::max(widest, draw_text(canvas_, font_, text, {f.left - kTickLength - 5, py}, tick).width);
        }
    }
    TextStyle axis;
    axis.size = kAxisLabelSize;
    axis.h = Align::Center;
    if (!labels.x.empty())
        draw_text(canvas_, font_, labels.x, {f.left + f.width / 2, f.bottom() + kTickLength + 5 + kTickLabelSize + 12}, axis);
    if (!labels.y.empty()) {
        axis.vertical = true;
        axis.v = Align::End;  // baseline towards the tick labels
        draw_text(canvas_, font_, labels.y, {f.left - kTickLength - 5 - widest - 12, f.top + f.height / 2}, axis);
    }
    if (!labels.title.empty()) {
        TextStyle title;
        title.size = kTitleSize;
        title.h = Align::Center;
        title.v = Align::End;
        draw_text(canvas_, font_, labels.title, {f.left + f.width / 2, f.top - 14}, title);
    }
}

void Axes::finish(const AxesLabels& labels) {
    const Rect notes = draw_notes();
    draw_legend(notes);
    draw_axes(labels);
}

}  // namespace wi
