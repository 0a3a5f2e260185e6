#include "canvas.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "../core/error.h"

namespace wi {

void check_canvas_size(long long width, long long height, int channels) {
    const bool ok = width >= 1 && height >= 1 && channels >= 1 && width <= kMaxCanvasSide && height <= kMaxCanvasSide &&
                    width * height * channels <= kMaxCanvasBytes;
    if (!ok)
        throw Error("a figure of " + std::to_string(width) + " x " + std::to_string(height) + " pixels is beyond the " +
                    std::to_string(kMaxCanvasSide) + "-pixel, " + std::to_string(kMaxCanvasBytes >> 20) +
                    " MiB limit of figures");
}

namespace palette {
Color series(int i) {
    static constexpr Color kOrder[] = {kBlue, kVermillion, kBluishGreen, kReddishPurple, kOrange, kSkyBlue, kYellow};
    constexpr int n = static_cast<int>(sizeof kOrder / sizeof kOrder[0]);
    return kOrder[((i % n) + n) % n];
}
}  // namespace palette

Marker marker_for(int i) {
    static constexpr Marker kOrder[] = {Marker::Circle, Marker::Square, Marker::Diamond, Marker::TriangleUp};
    return kOrder[((i % 4) + 4) % 4];
}

namespace {

double clamp01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

// A coordinate as a pixel index, for loop bounds and clipping: its floor (or ceiling), held
// far outside any canvas so that the conversion to int is always defined; NaN gives the low
// end, so a primitive at a NaN position covers no pixel.
constexpr int kIndexLimit = 1 << 30;
int index_floor(double v) {
    return v > -kIndexLimit ? (v < kIndexLimit ? static_cast<int>(std::floor(v)) : kIndexLimit) : -kIndexLimit;
}
int index_ceil(double v) {
    return v > -kIndexLimit ? (v < kIndexLimit ? static_cast<int>(std::ceil(v)) : kIndexLimit) : -kIndexLimit;
}

// Distance from point p to the segment a-b.
double segment_distance(Point p, Point a, Point b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0.0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
    t = clamp01(t);
    const double ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy);
    return std::sqrt(ex * ex + ey * ey);
}

// Is (x, y) inside the marker shape of the given radius centred at the origin?
bool inside_marker(Marker shape, double x, double y, double r) {
    switch (shape) {
        case Marker::Circle: return x * x + y * y <= r * r;
        case Marker::Square: {
            const double h = r * 0.85;  // a square of the circle's area would be 0.886 r; a little smaller reads as equal
            return std::abs(x) <= h && std::abs(y) <= h;
        }
        case Marker::Diamond: return std::abs(x) + std::abs(y) <= r * 1.2;
        case Marker::TriangleUp: {
            // vertices (0, -1.2r), (+-1.1r, 0.75r): y grows down, so the apex points up
            const double top = -1.2 * r, base = 0.75 * r, half = 1.1 * r;
            if (y < top || y > base) return false;
            return std::abs(x) <= half * (y - top) / (base - top);
        }
    }
    return false;
}

}  // namespace

Canvas::Canvas(int width, int height, Color background)
    : width_(std::max(width, 1)), height_(std::max(height, 1)) {
    check_canvas_size(width_, height_, 3);
    rgb_.resize(static_cast<std::size_t>(width_) * height_ * 3);
    for (std::size_t i = 0; i < rgb_.size(); i += 3) {
        rgb_[i] = background.r;
        rgb_[i + 1] = background.g;
        rgb_[i + 2] = background.b;
    }
    reset_clip();
}

Color Canvas::pixel(int x, int y) const {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) return {};
    const std::size_t i = (static_cast<std::size_t>(y) * width_ + x) * 3;
    return {rgb_[i], rgb_[i + 1], rgb_[i + 2]};
}

void Canvas::set_clip(const Rect& r) {
    clip_x0_ = std::max(0, index_floor(r.left));
    clip_y0_ = std::max(0, index_floor(r.top));
    clip_x1_ = std::min(width_, index_ceil(r.right()));
    clip_y1_ = std::min(height_, index_ceil(r.bottom()));
}

void Canvas::reset_clip() {
    clip_x0_ = clip_y0_ = 0;
    clip_x1_ = width_;
    clip_y1_ = height_;
}

void Canvas::blend(int x, int y, Color c, double a) {
    if (x < clip_x0_ || y < clip_y0_ || x >= clip_x1_ || y >= clip_y1_ || !(a > 0.0)) return;
    a = std::min(a, 1.0);
    std::uint8_t* p = &rgb_[(static_cast<std::size_t>(y) * width_ + x) * 3];
    const std::uint8_t src[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; ++k) p[k] = static_cast<std::uint8_t>(std::lround(p[k] + (src[k] - p[k]) * a));
}

void Canvas::fill_rect(const Rect& r, Color c, double alpha) {
    if (!(r.width > 0.0) || !(r.height > 0.0)) return;
    const int x0 = index_floor(r.left), x1 = index_ceil(r.right());
    const int y0 = index_floor(r.top), y1 = index_ceil(r.bottom());
    for (int y = std::max(y0, clip_y0_); y < std::min(y1, clip_y1_); ++y) {
        // coverage = overlap of the pixel square [x, x+1) x [y, y+1) with r
        const double cy = std::min(y + 1.0, r.bottom()) - std::max(static_cast<double>(y), r.top);
        for (int x = std::max(x0, clip_x0_); x < std::min(x1, clip_x1_); ++x) {
            const double cx = std::min(x + 1.0, r.right()) - std::max(static_cast<double>(x), r.left);
            blend(x, y, c, clamp01(cx) * clamp01(cy) * alpha);
        }
    }
}

void Canvas::line(Point p, Point q, Color c, double width, double alpha) { polyline({p, q}, c, width, alpha); }

void Canvas::polyline(const std::vector<Point>& pts, Color c, double width, double alpha) {
    if (pts.empty()) return;
    // A line of width w with round caps: a pixel whose centre lies at distance d from the
    // nearest segment is covered by clamp(w/2 + 1/2 - d, 0, 1) (a one-pixel linear ramp).
    const double reach = width / 2.0 + 0.5;
    double lx = pts[0].x, hx = pts[0].x, ly = pts[0].y, hy = pts[0].y;
    for (const Point& p : pts) {
        lx = std::min(lx, p.x), hx = std::max(hx, p.x);
        ly = std::min(ly, p.y), hy = std::max(hy, p.y);
    }
    const int bx0 = std::max(clip_x0_, index_floor(lx - reach));
    const int by0 = std::max(clip_y0_, index_floor(ly - reach));
    const int bx1 = std::min(clip_x1_, index_ceil(hx + reach) + 1);
    const int by1 = std::min(clip_y1_, index_ceil(hy + reach) + 1);
    if (bx0 >= bx1 || by0 >= by1) return;
    // Coverage of the whole polyline, as the maximum over its segments, then blended once.
    const int bw = bx1 - bx0, bh = by1 - by0;
    std::vector<float> cover(static_cast<std::size_t>(bw) * bh, 0.0f);
    const std::size_t segments = pts.size() == 1 ? 1 : pts.size() - 1;  // a single point is a dot
    for (std::size_t s = 0; s < segments; ++s) {
        const Point a = pts[s], b = pts[std::min(s + 1, pts.size() - 1)];
        const int x0 = std::max(bx0, index_floor(std::min(a.x, b.x) - reach));
        const int x1 = std::min(bx1, index_ceil(std::max(a.x, b.x) + reach) + 1);
        const int y0 = std::max(by0, index_floor(std::min(a.y, b.y) - reach));
        const int y1 = std::min(by1, index_ceil(std::max(a.y, b.y) + reach) + 1);
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                const double d = segment_distance({x + 0.5, y + 0.5}, a, b);
                const float cov = static_cast<float>(clamp01(reach - d));
                float& dst = cover[static_cast<std::size_t>(y - by0) * bw + (x - bx0)];
                dst = std::max(dst, cov);
            }
    }
    for (int y = by0; y < by1; ++y)
        for (int x = bx0; x < bx1; ++x) blend(x, y, c, cover[static_cast<std::size_t>(y - by0) * bw + (x - bx0)] * alpha);
}

void Canvas::dashed_line(Point p, Point q, Color c, double width, double dash, double gap, double alpha) {
    const double dx = q.x - p.x, dy = q.y - p.y, len = std::sqrt(dx * dx + dy * dy);
    if (!(len > 0.0) || !(dash > 0.0)) return;
    const double ux = dx / len, uy = dy / len;
    for (double s = 0.0; s < len; s += dash + gap) {
        const double e = std::min(len, s + dash);
        line({p.x + ux * s, p.y + uy * s}, {p.x + ux * e, p.y + uy * e}, c, width, alpha);
    }
}

void Canvas::marker(Point centre, Marker shape, double radius, Color c, double alpha) {
    // Coverage by 4x4 supersampling of the shape's inside test: enough for smooth edges at
    // marker sizes of a few pixels, where an exact area formula per shape would be overkill.
    constexpr int kSub = 4;
    const double reach = radius * 1.3 + 1.0;  // every shape fits in 1.2 r
    const int x0 = std::max(clip_x0_, index_floor(centre.x - reach)), x1 = std::min(clip_x1_, index_ceil(centre.x + reach));
    const int y0 = std::max(clip_y0_, index_floor(centre.y - reach)), y1 = std::min(clip_y1_, index_ceil(centre.y + reach));
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            int hits = 0;
            for (int sy = 0; sy < kSub; ++sy)
                for (int sx = 0; sx < kSub; ++sx) {
                    const double px = x + (sx + 0.5) / kSub - centre.x, py = y + (sy + 0.5) / kSub - centre.y;
                    hits += inside_marker(shape, px, py, radius);
                }
            if (hits) blend(x, y, c, alpha * hits / (kSub * kSub));
        }
}

void Canvas::draw_mask(const std::vector<std::uint8_t>& mask, int w, int h, int x, int y, Color c, bool rotate_ccw) {
    for (int sy = 0; sy < h; ++sy)
        for (int sx = 0; sx < w; ++sx) {
            const std::uint8_t a = mask[static_cast<std::size_t>(sy) * w + sx];
            if (a == 0) continue;
            // a quarter turn counter-clockwise sends source (sx, sy) to (sy, w-1-sx)
            const int dx = rotate_ccw ? sy : sx, dy = rotate_ccw ? w - 1 - sx : sy;
            blend(x + dx, y + dy, c, a / 255.0);
        }
}

}  // namespace wi
