// font_check.h - is a TrueType file safe to hand to stb_truetype?
//
// stb_truetype trusts every offset, length and count in a font: a cut file, a table past the
// end, a cmap search field that does not match its segments or a compound glyph that contains
// itself make it read out of bounds, recurse without end or abort. check_truetype walks the
// same structures stb_truetype will read (the table directory; head, hhea, maxp, hmtx, loca;
// every glyph outline in glyf; the cmap subtable it picks; GPOS pair kerning, or kern) and
// checks each read against the file's size before stb_truetype makes it. It reads nothing else.
#pragma once
#include <cstddef>
#include <string>

namespace wi {

// Files larger than this are refused: stb_truetype keeps offsets in int, and no sans-serif
// font needs anywhere near it.
constexpr std::size_t kMaxFontBytes = std::size_t{64} << 20;

struct FontCheck {
    bool ok = false;
    int offset = 0;      // where the font starts in the file (non-zero inside a .ttc collection)
    int glyphs = 0;      // numGlyphs: stb_truetype maps cmap results outside [0, glyphs) nowhere
    std::string defect;  // what is wrong, when !ok ("table 'glyf' runs past the end of the file")
};

// The first font in data (a .ttf, or the first of a .ttc), checked as above.
FontCheck check_truetype(const unsigned char* data, std::size_t size);

}  // namespace wi
