// canvas.h - an RGB raster to draw figures on: anti-aliased lines, polylines, markers,
// rectangles, and coverage masks (text) blended in a colour.
//
// Coordinates are pixels as doubles: (0, 0) is the top-left corner of the top-left pixel,
// x grows right, y grows down; the centre of pixel (i, j) is (i + 0.5, j + 0.5).
// Every primitive computes a coverage a in [0, 1] per pixel and blends
//   dst = dst + (colour - dst) * a * alpha
// so edges are anti-aliased and translucent series show where they overlap.
#pragma once
#include <cstdint>
#include <vector>

namespace wi {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0;
};

inline bool operator==(Color a, Color b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
inline bool operator!=(Color a, Color b) { return !(a == b); }

// Okabe & Ito (2008), "Color Universal Design": eight colours told apart by readers with
// any common form of colour blindness. Black is kept for the axes and text.
namespace palette {
constexpr Color kBlack{0, 0, 0};
constexpr Color kOrange{230, 159, 0};
constexpr Color kSkyBlue{86, 180, 233};
constexpr Color kBluishGreen{0, 158, 115};
constexpr Color kYellow{240, 228, 66};
constexpr Color kBlue{0, 114, 178};
constexpr Color kVermillion{213, 94, 0};
constexpr Color kReddishPurple{204, 121, 167};
constexpr Color kWhite{255, 255, 255};
constexpr Color kGrid{225, 225, 225};
constexpr Color kAxis{60, 60, 60};
constexpr Color kText{25, 25, 25};

// The order series take their colours in: strong, well-separated hues first; yellow last
// (it is faint on white).
Color series(int i);
}  // namespace palette

struct Point {
    double x = 0, y = 0;
};

struct Rect {
    double left = 0, top = 0, width = 0, height = 0;
    double right() const { return left + width; }
    double bottom() const { return top + height; }
};

enum class Marker { Circle, Square, Diamond, TriangleUp };
Marker marker_for(int i);  // the marker series i takes: shape tells series apart without colour

// The largest canvas a figure may have. stb_image_write computes sizes (width x channels + 1)
// x height in int; these limits keep every such product far below 2^31, and no figure comes
// near them (the largest, a deep network's weights, is 1400 x 1900).
constexpr long long kMaxCanvasSide = 16384;
constexpr long long kMaxCanvasBytes = 1LL << 28;  // width x height x channels

// Throws wi::Error naming the size when a width x height canvas with `channels` bytes a
// pixel is not within [1, kMaxCanvasSide] on each side and kMaxCanvasBytes in all.
void check_canvas_size(long long width, long long height, int channels);

class Canvas {
public:
    // Sizes below 1 become 1; a size beyond check_canvas_size's limits throws wi::Error.
    Canvas(int width, int height, Color background);

    int width() const { return width_; }
    int height() const { return height_; }
    const std::vector<std::uint8_t>& rgb() const { return rgb_; }  // width*height*3 bytes, row-major
    Color pixel(int x, int y) const;

    // Primitives draw only inside the clip rectangle (default: the whole canvas).
    void set_clip(const Rect& r);
    void reset_clip();

    // Blends colour c into pixel (x, y) with opacity a in [0, 1]; outside the clip it does nothing.
    void blend(int x, int y, Color c, double a);

    void fill_rect(const Rect& r, Color c, double alpha = 1.0);  // fractional edges are anti-aliased
    void line(Point p, Point q, Color c, double width, double alpha = 1.0);
    // Joined segments, blended once (no dark spots where segments overlap at the joints).
    void polyline(const std::vector<Point>& pts, Color c, double width, double alpha = 1.0);
    // A dashed straight line: dash and gap lengths in pixels.
    void dashed_line(Point p, Point q, Color c, double width, double dash, double gap, double alpha = 1.0);
    void marker(Point centre, Marker shape, double radius, Color c, double alpha = 1.0);

    // Blends a coverage mask (w*h bytes, 0-255, row-major) with its top-left at (x, y).
    // rotate_ccw turns it a quarter turn counter-clockwise first (for vertical axis labels);
    // (x, y) is then the top-left of the turned mask.
    void draw_mask(const std::vector<std::uint8_t>& mask, int w, int h, int x, int y, Color c, bool rotate_ccw = false);

private:
    int width_, height_;
    std::vector<std::uint8_t> rgb_;
    int clip_x0_, clip_y0_, clip_x1_, clip_y1_;  // half-open pixel range [x0, x1) x [y0, y1)
};

}  // namespace wi
