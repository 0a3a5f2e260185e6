// text.h - text for figures: a TrueType font when one is found, else a built-in stroke font.
//
// A figure must never lose its text because a font file is missing, so Font::load falls back
// to the stroke font that stb_easy_font draws from quads compiled into the program (ASCII), with
// strokes of its own for the symbols labels use: σ, μ, superscript digits, −, ×, ≈, ±, ….
// Text is rendered to a coverage mask and blended onto the canvas like any other primitive.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "canvas.h"

namespace wi {

// A line of text rendered as coverage (0-255), with the metrics needed to place it.
struct TextMask {
    int width = 0, height = 0;
    std::vector<std::uint8_t> alpha;  // width*height, row-major
    double pad = 0;         // the pen starts this many pixels in from the mask's left edge
    double advance = 0;     // logical width: where the pen ends, from where it starts
    double baseline = 0;    // rows from the mask's top to the baseline
    double cap_height = 0;  // height of a capital letter above the baseline
};

class Font {
public:
    // The font to draw with. request:
    //   ""         the first of the usual Debian sans-serif fonts that exists, else the built-in font
    //   "builtin"  the built-in stroke font, always
    //   a path     that TrueType file, else the built-in font
    static Font load(const std::string& request);

    bool is_truetype() const { return tt_ != nullptr; }
    const std::string& name() const { return name_; }  // the file, or "built-in"

    // One line of UTF-8 text at the given size (pixels from the lowest descender to the
    // highest ascender, as font sizes in pixels usually mean).
    TextMask render(const std::string& utf8, double size_px) const;
    double width(const std::string& utf8, double size_px) const { return render(utf8, size_px).advance; }

    struct TrueType;  // the loaded file and stb_truetype's view of it (text.cpp)

private:
    std::shared_ptr<const TrueType> tt_;  // null: the built-in font
    std::string name_ = "built-in";
};

// Where the anchor point sits on the text.
enum class Align { Start, Center, End };

struct TextStyle {
    double size = 15;
    Color color = palette::kText;
    Align h = Align::Start;  // left edge / centre / right edge of the text at the anchor's x
    Align v = Align::Start;  // top of the capitals / their middle / the baseline at the anchor's y
    bool vertical = false;   // reads bottom to top, centred on the anchor along its length; v as above, across
};

// Draws text at anchor; returns the box it covers (logical extent, for layout).
Rect draw_text(Canvas& canvas, const Font& font, const std::string& text, Point anchor, const TextStyle& style);

}  // namespace wi
