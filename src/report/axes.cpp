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
constexpr double kPxPerXTick = 110.0;  // about one x tick per 110 px leaves room for labels like "−0.15"
constexpr double kPxPerYTick = 65.0;

// Offscreen points are pulled in to this distance outside the canvas: far enough that the
// visible part of a line keeps its direction to within a pixel, near enough to stay finite.
constexpr double kFarAway = 1e6;

std::string minus_sign(std::string s) {
    // The typographic minus (U+2212), as matplotlib prints it.
    if (!s.empty() && s[0] == '-') s = "\xE2\x88\x92" + s.substr(1);
    return s;
}

}  // namespace

double nice_step(double span, int target) {
    if (!(span > 0.0) || !std::isfinite(span)) return 1.0;
    const double raw = span / std::max(target, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / mag;  // in [1, 10)
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * mag;
}

std::vector<double> nice_ticks(Range r, int target) {
    const double step = nice_step(r.hi - r.lo, target);
    std::vector<double> ticks;
    // Ticks are integer multiples n*step, so 0.1+0.2-style drift cannot creep in; the 1e-9
    // slack keeps a tick that sits exactly on an end of the range.
    const double slack = 1e-9 * step;
    for (double n = std::ceil((r.lo - slack) / step); n * step <= r.hi + slack && ticks.size() < 100; n += 1.0)
        ticks.push_back(n * step == 0.0 ? 0.0 : n * step);
    return ticks;
}

std::string tick_label(double value, double step) {
    char buf[64];
    if (std::abs(value) < step * 1e-9) value = 0.0;  // no "-0" or "1e-17" at zero
    const double big = std::max(std::abs(value), step);
    if (step < 1e-4 || big >= 1e6) {
        std::snprintf(buf, sizeof buf, "%.3g", value);
    } else {
        const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
        std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    }
    return minus_sign(buf);
}

Range finite_range(const std::vector<double>& values, double margin) {
    double lo = INFINITY, hi = -INFINITY;
    for (double v : values)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (lo > hi) return {0.0, 1.0};
    // A span below 1e-9 of the values' size is a single value as far as a picture can tell.
    if (hi - lo <= 1e-9 * std::max(std::abs(lo), std::abs(hi))) {
        const double half = std::max(std::abs(lo) / 10.0, 0.5);
        return {lo - half, hi + half};
    }
    const double pad = (hi - lo) * margin;
    return {lo - pad, hi + pad};
}

Range merge(Range a, Range b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }

Axes::Axes(Canvas& canvas, const Font& font, Rect px, Range x, Range y) : canvas_(canvas), font_(font) {
    frame_.px = px;
    frame_.x = x;
    frame_.y = y;
    canvas_.fill_rect(px, palette::kWhite);
    for (double t : nice_ticks(x, static_cast<int>(px.width / kPxPerXTick)))
        canvas_.fill_rect({frame_.to_px(t) - 0.5, px.top, 1.0, px.height}, palette::kGrid);
    for (double t : nice_ticks(y, static_cast<int>(px.height / kPxPerYTick)))
        canvas_.fill_rect({px.left, frame_.to_py(t) - 0.5, px.width, 1.0}, palette::kGrid);
}

double Axes::clamp_px(double v) const { return std::max(-kFarAway, std::min(kFarAway, v)); }

void Axes::line(const std::vector<double>& x, const std::vector<double>& y, Color c, const std::string& label,
                double width, bool dashed) {
    canvas_.set_clip(frame_.px);
    std::vector<Point> run;  // consecutive finite points
    auto flush = [&]() {
        if (dashed)
            for (std::size_t i = 0; i + 1 < run.size(); ++i) canvas_.dashed_line(run[i], run[i + 1], c, width, 7.0, 4.0);
        else
            canvas_.polyline(run, c, width);
        run.clear();
    };
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
            ++skipped_;
            flush();
            continue;
        }
        run.push_back({clamp_px(frame_.to_px(x[i])), clamp_px(frame_.to_py(y[i]))});
        drawn_.push_back(run.back());
    }
    flush();
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, dashed ? Swatch::DashedLine : Swatch::Line, Marker::Circle});
}

void Axes::scatter(const std::vector<double>& x, const std::vector<double>& y, Color c, Marker m,
                   const std::string& label, double radius, double alpha) {
    canvas_.set_clip(frame_.px);
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
            ++skipped_;
            continue;
        }
        const Point p{clamp_px(frame_.to_px(x[i])), clamp_px(frame_.to_py(y[i]))};
        canvas_.marker(p, m, radius, c, alpha);
        drawn_.push_back(p);
    }
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, Swatch::Markers, m});
}

void Axes::bars(double lo, double hi, const std::vector<double>& heights, Color c, const std::string& label) {
    if (heights.empty()) return;
    canvas_.set_clip(frame_.px);
    const double w = (hi - lo) / static_cast<double>(heights.size());
    const double base = clamp_px(frame_.to_py(0.0));
    std::vector<Point> outline = {{frame_.to_px(lo), base}};  // the bars' top contour, drawn over the fill
    for (std::size_t i = 0; i < heights.size(); ++i) {
        const double x0 = frame_.to_px(lo + w * i), x1 = frame_.to_px(lo + w * (i + 1));
        if (!std::isfinite(heights[i])) {
            ++skipped_;
            outline.push_back({x0, base});
            outline.push_back({x1, base});
            continue;
        }
        const double top = clamp_px(frame_.to_py(heights[i]));
        canvas_.fill_rect({x0, std::min(top, base), x1 - x0, std::abs(base - top)}, c, 0.45);
        outline.push_back({x0, top});
        outline.push_back({x1, top});
        for (double f = 0.0; f <= 1.0; f += 0.25) drawn_.push_back({(x0 + x1) / 2, top + (base - top) * f});
    }
    outline.push_back({outline.back().x, base});
    canvas_.polyline(outline, c, 1.3);
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, Swatch::Patch, Marker::Circle});
}

void Axes::vline(double x, Color c, double width, bool dashed) {
    if (!std::isfinite(x)) return;
    const Point p{frame_.to_px(x), frame_.px.top}, q{p.x, frame_.px.bottom()};
    canvas_.set_clip(frame_.px);
    dashed ? canvas_.dashed_line(p, q, c, width, 6.0, 4.0) : canvas_.line(p, q, c, width);
    canvas_.reset_clip();
}

void Axes::vspan(double x0, double x1, Color c, double alpha, const std::string& label) {
    const double a = frame_.to_px(std::min(x0, x1)), b = frame_.to_px(std::max(x0, x1));
    canvas_.set_clip(frame_.px);
    canvas_.fill_rect({clamp_px(a), frame_.px.top, clamp_px(b) - clamp_px(a), frame_.px.height}, c, alpha);
    canvas_.reset_clip();
    if (!label.empty()) entries_.push_back({label, c, Swatch::Patch, Marker::Circle});
}

void Axes::hline(double y, Color c, double width, bool dashed) {
    if (!std::isfinite(y)) return;
    const Point p{frame_.px.left, frame_.to_py(y)}, q{frame_.px.right(), p.y};
    canvas_.set_clip(frame_.px);
    dashed ? canvas_.dashed_line(p, q, c, width, 6.0, 4.0) : canvas_.line(p, q, c, width);
    canvas_.reset_clip();
}

void Axes::annotate(Point data, Point offset, const std::string& text, Color c, Align h) {
    TextStyle st;
    st.size = kLegendSize;
    st.color = c;
    st.h = h;
    st.v = Align::Center;
    draw_text(canvas_, font_, text, {frame_.to_px(data.x) + offset.x, frame_.to_py(data.y) + offset.y}, st);
}

Rect Axes::legend_box(Corner c, double w, double h) const {
    constexpr double kInset = 10.0;
    const Rect& f = frame_.px;
    const bool left = c == Corner::TopLeft || c == Corner::BottomLeft;
    const bool top = c == Corner::TopLeft || c == Corner::TopRight;
    return {left ? f.left + kInset : f.right() - kInset - w, top ? f.top + kInset : f.bottom() - kInset - h, w, h};
}

void Axes::legend(Corner where) {
    if (entries_.empty()) return;
    double text_w = 0.0;
    for (const LegendEntry& e : entries_) text_w = std::max(text_w, font_.width(e.label, kLegendSize));
    const double w = 10 + kLegendSwatch + 8 + text_w + 12, h = 8 + kLegendRow * entries_.size() + 2;
    if (where == Corner::Best) {
        // matplotlib's loc="best": the corner that hides the fewest data points (notes take the top left).
        std::size_t least = SIZE_MAX;
        for (Corner c : {Corner::TopRight, Corner::TopLeft, Corner::BottomRight, Corner::BottomLeft}) {
            if (c == Corner::TopLeft && !notes_.empty()) continue;
            const Rect b = legend_box(c, w, h);
            const std::size_t hidden = std::count_if(drawn_.begin(), drawn_.end(), [&b](Point p) {
                return p.x >= b.left && p.x <= b.right() && p.y >= b.top && p.y <= b.bottom();
            });
            if (hidden < least) least = hidden, where = c;
        }
    }
    const Rect b = legend_box(where, w, h);
    canvas_.fill_rect(b, palette::kWhite, 0.85);
    const Color border{200, 200, 200};
    canvas_.fill_rect({b.left, b.top, b.width, 1}, border);
    canvas_.fill_rect({b.left, b.bottom() - 1, b.width, 1}, border);
    canvas_.fill_rect({b.left, b.top, 1, b.height}, border);
    canvas_.fill_rect({b.right() - 1, b.top, 1, b.height}, border);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const LegendEntry& e = entries_[i];
        const double cy = b.top + 8 + kLegendRow * (i + 0.5), sx = b.left + 10;
        switch (e.swatch) {
            case Swatch::Line: canvas_.line({sx, cy}, {sx + kLegendSwatch, cy}, e.color, 2.5); break;
            case Swatch::DashedLine: canvas_.dashed_line({sx, cy}, {sx + kLegendSwatch, cy}, e.color, 2.0, 7.0, 4.0); break;
            case Swatch::Markers:
                for (double dx : {5.0, 15.0, 25.0}) canvas_.marker({sx + dx, cy}, e.marker, 4.0, e.color, 0.9);
                break;
            case Swatch::Patch:
                canvas_.fill_rect({sx + 3, cy - 7, kLegendSwatch - 6, 14}, e.color, 0.45);
                canvas_.fill_rect({sx + 3, cy - 7, kLegendSwatch - 6, 1.3}, e.color);
                break;
        }
        TextStyle st;
        st.size = kLegendSize;
        st.v = Align::Center;
        draw_text(canvas_, font_, e.label, {sx + kLegendSwatch + 8, cy}, st);
    }
}

void Axes::finish(const AxesLabels& labels) {
    const Rect& f = frame_.px;
    if (skipped_ > 0)
        notes_.push_back(std::to_string(skipped_) + " non-finite value" + (skipped_ == 1 ? "" : "s") +
                         " (NaN/Inf) not drawn");
    if (!notes_.empty()) {
        double w = 0.0;
        for (const std::string& n : notes_) w = std::max(w, font_.width(n, kLegendSize));
        const Rect box{f.left + 10, f.top + 10, w + 20, 10 + kLegendRow * notes_.size()};
        canvas_.fill_rect(box, palette::kWhite, 0.85);
        canvas_.fill_rect({box.left, box.top, 3, box.height}, palette::kVermillion);
        TextStyle st;
        st.size = kLegendSize;
        st.color = palette::kVermillion;
        st.v = Align::Center;
        for (std::size_t i = 0; i < notes_.size(); ++i)
            draw_text(canvas_, font_, notes_[i], {box.left + 12, box.top + 5 + kLegendRow * (i + 0.5)}, st);
    }
    // Spines: the frame's four sides, one pixel outside the plot area.
    canvas_.fill_rect({f.left - 1, f.top - 1, f.width + 2, 1}, palette::kAxis);
    canvas_.fill_rect({f.left - 1, f.bottom(), f.width + 2, 1}, palette::kAxis);
    canvas_.fill_rect({f.left - 1, f.top - 1, 1, f.height + 2}, palette::kAxis);
    canvas_.fill_rect({f.right(), f.top - 1, 1, f.height + 2}, palette::kAxis);

    TextStyle tick;
    tick.size = kTickLabelSize;
    const std::vector<double> xt = nice_ticks(frame_.x, static_cast<int>(f.width / kPxPerXTick));
    const double xstep = nice_step(frame_.x.hi - frame_.x.lo, static_cast<int>(f.width / kPxPerXTick));
    tick.h = Align::Center;
    for (double t : xt) {
        const double px = frame_.to_px(t);
        canvas_.fill_rect({px - 0.6, f.bottom() + 1, 1.2, kTickLength}, palette::kAxis);
        draw_text(canvas_, font_, tick_label(t, xstep), {px, f.bottom() + kTickLength + 5}, tick);
    }
    const std::vector<double> yt = nice_ticks(frame_.y, static_cast<int>(f.height / kPxPerYTick));
    const double ystep = nice_step(frame_.y.hi - frame_.y.lo, static_cast<int>(f.height / kPxPerYTick));
    tick.h = Align::End;
    tick.v = Align::Center;
    double widest = 0.0;
    for (double t : yt) {
        const double py = frame_.to_py(t);
        canvas_.fill_rect({f.left - 1 - kTickLength, py - 0.6, kTickLength, 1.2}, palette::kAxis);
        const Rect r = draw_text(canvas_, font_, tick_label(t, ystep), {f.left - kTickLength - 5, py}, tick);
        widest = std::max(widest, r.width);
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

}  // namespace wi
