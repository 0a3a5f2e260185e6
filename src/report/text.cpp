#include "text.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>

#include "../core/error.h"
#include "../core/fsutil.h"
#include "font_check.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop

namespace wi {

struct Font::TrueType {
    std::vector<unsigned char> bytes;  // the file; info points into it, so it never moves
    stbtt_fontinfo info{};
    int glyphs = 0;  // numGlyphs; a cmap entry outside [0, glyphs) is drawn as glyph 0
};

namespace {

// Sans-serif fonts as Debian installs them (fonts-dejavu-core first, then common alternatives).
const char* const kFontSearch[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
};

// The font in the file at path, checked (font_check.h) before stb_truetype reads any of it;
// null with *defect saying why when it cannot be used.
std::shared_ptr<Font::TrueType> load_truetype(const std::string& path, std::string* defect) {
    if (is_dir(path)) {
        *defect = "a directory, not a font file";
        return nullptr;
    }
    auto tt = std::make_shared<Font::TrueType>();
    try {
        // InputFile names what is wrong (no such file, permission denied, a FIFO, a device) and
        // never blocks on a FIFO.
        const InputFile f(path);
        char chunk[1 << 16];
        while (tt->bytes.size() <= kMaxFontBytes) {
            const ssize_t got = ::read(f.fd(), chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) throw Error(path + ": cannot be read (" + std::strerror(errno) + ")");
            if (got == 0) break;
            tt->bytes.insert(tt->bytes.end(), chunk, chunk + got);
        }
    } catch (const Error& e) {
        const std::string what = e.what(), prefix = path + ": ";
        *defect = what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
        return nullptr;
    }
    const FontCheck check = check_truetype(tt->bytes.data(), tt->bytes.size());
    if (!check.ok) {
        *defect = check.defect;
        return nullptr;
    }
    tt->glyphs = check.glyphs;
    if (stbtt_InitFont(&tt->info, tt->bytes.data(), check.offset) == 0) {
        *defect = "stb_truetype cannot read it";
        return nullptr;
    }
    // Figures need digits and letters: a font whose outlines for them are empty would leave
    // every label blank.
    for (int c : {'0', 'H'}) {
        const int g = stbtt_FindGlyphIndex(&tt->info, c);
        if (g <= 0 || g >= tt->glyphs || stbtt_IsGlyphEmpty(&tt->info, g)) {
            *defect = std::string("no outline for '") + static_cast<char>(c) + "'";
            return nullptr;
        }
    }
    return tt;
}

// Fonts are loaded for every figure: each file that cannot be used is reported once.
void warn_font(const std::string& path, const std::string& defect, const char* instead) {
    static std::mutex mutex;
    static std::set<std::string> warned;
    const std::lock_guard<std::mutex> lock(mutex);
    if (warned.insert(path).second)
        std::fprintf(stderr, "wi: warning: font %s: %s; %s\n", path.c_str(), defect.c_str(), instead);
}

// UTF-8 -> code points; a malformed byte becomes U+FFFD.
std::vector<std::uint32_t> decode_utf8(const std::string& s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
        if (extra < 0 || i + extra >= s.size()) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        std::uint32_t cp = extra == 0 ? c : (c & (0x3F >> extra));
        bool ok = true;
        for (int k = 1; k <= extra; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            ok = ok && (cc >> 6) == 0x2;
            cp = (cp << 6) | (cc & 0x3F);
        }
        out.push_back(ok ? cp : 0xFFFD);
        i += ok ? extra + 1 : 1;
    }
    return out;
}

// How the built-in (ASCII) font spells the few non-ASCII symbols figures use.
std::string ascii_spelling(std::uint32_t cp) {
    if (cp >= 0x20 && cp < 0x7F) return std::string(1, static_cast<char>(cp));
    switch (cp) {
        case 0x03C3: return "s";     // sigma
        case 0x03BC: return "mu";
        case 0x2212: case 0x2013: case 0x2014: return "-";
        case 0x00D7: return "x";
        case 0x00B7: case 0x22C5: return "*";
        case 0x2070: return "^0";    // superscript digits, as in 10^-3 on log axes
        case 0x00B9: return "^1";
        case 0x00B2: return "^2";
        case 0x00B3: return "^3";
        case 0x2074: case 0x2075: case 0x2076: case 0x2077: case 0x2078: case 0x2079:
            return "^" + std::to_string(cp - 0x2070);
        case 0x207B: return "^-";    // superscript minus
        case 0x02E3: return "x";     // modifier small x
        case 0x2032: return "'";     // prime
        case 0x00B1: return "+-";
        case 0x2192: return "->";
        case 0x2248: return "~";
        case 0x2264: return "<=";
        case 0x2265: return ">=";
        case 0x221A: return "sqrt";
        case 0x221E: return "inf";
        case 0x2026: return "...";
        case 0x00A0: case 0x2009: return " ";
        default: return "?";
    }
}

// Adds the area of pixel overlap with the rectangle [x0,x1) x [y0,y1) to the mask (saturating).
void cover_rect(TextMask& m, double x0, double y0, double x1, double y1) {
    for (int y = std::max(0, static_cast<int>(std::floor(y0))); y < std::min(m.height, static_cast<int>(std::ceil(y1))); ++y) {
        const double cy = std::min(y + 1.0, y1) - std::max(static_cast<double>(y), y0);
        for (int x = std::max(0, static_cast<int>(std::floor(x0))); x < std::min(m.width, static_cast<int>(std::ceil(x1))); ++x) {
            const double cx = std::min(x + 1.0, x1) - std::max(static_cast<double>(x), x0);
            std::uint8_t& a = m.alpha[static_cast<std::size_t>(y) * m.width + x];
            a = static_cast<std::uint8_t>(std::min(255L, a + std::lround(255.0 * std::max(0.0, cx) * std::max(0.0, cy))));
        }
    }
}

// Stroke glyphs the built-in font adds for the non-ASCII symbols figure labels use, in
// stb_easy_font's grid: rectangles [x0, x1) x [y0, y1) in units, capitals spanning y 0..7 with
// the baseline at 7, x-height at 2. advance is the pen's step, spacing included.
struct StrokeGlyph {
    std::uint32_t cp;
    float advance;
    std::vector<std::array<float, 4>> rects;
};

const std::vector<StrokeGlyph>& stroke_glyphs() {
    static const std::vector<StrokeGlyph> glyphs = {
        // sigma: a bowl with a bar along its top running out to the right
        {0x03C3, 7, {{0, 3, 1, 6}, {1, 6, 4, 7}, {4, 3, 5, 6}, {1, 2, 6, 3}}},
        // mu: a stem with a descender, a bowl, a right stem
        {0x03BC, 6, {{0, 2, 1, 9}, {1, 6, 3, 7}, {3, 2, 4, 7}, {4, 6, 5, 7}}},
        // minus sign, en and em dash: a bar at the height of '+'
        {0x2212, 7, {{0, 4, 5, 5}}},
        {0x2013, 7, {{0, 4, 5, 5}}},
        {0x2014, 9, {{0, 4, 8, 5}}},
        // multiplication sign: two diagonals from unit squares, centred on the height of '+'
        {0x00D7, 7, {{0, 1.5f, 1, 2.5f}, {1, 2.5f, 2, 3.5f}, {2, 3.5f, 3, 4.5f}, {3, 4.5f, 4, 5.5f}, {4, 5.5f, 5, 6.5f},
                     {4, 1.5f, 5, 2.5f}, {3, 2.5f, 4, 3.5f}, {1, 4.5f, 2, 5.5f}, {0, 5.5f, 1, 6.5f}}},
        // almost equal: two waves
        {0x2248, 7, {{0, 3, 2, 4}, {2, 2, 3, 3}, {3, 3, 4, 4}, {4, 2, 5, 3},
                     {0, 6, 2, 7}, {2, 5, 3, 6}, {3, 6, 4, 7}, {4, 5, 5, 6}}},
        // plus-minus
        {0x00B1, 7, {{2, 1, 3, 6}, {0, 3, 5, 4}, {0, 7, 5, 8}}},
        // middle dot and dot operator
        {0x00B7, 3, {{0, 4, 1, 5}}},
        {0x22C5, 3, {{0, 4, 1, 5}}},
        // prime
        {0x2032, 3, {{0, 0, 1, 3}}},
        // ellipsis
        {0x2026, 9, {{0, 6, 1, 7}, {3, 6, 4, 7}, {6, 6, 7, 7}}},
        // less-than-or-equal and greater-than-or-equal: a chevron over a bar
        {0x2264, 7, {{3, 1, 5, 2}, {1, 2, 3, 3}, {0, 3, 1, 4}, {1, 4, 3, 5}, {3, 5, 5, 6}, {0, 7, 5, 8}}},
        {0x2265, 7, {{0, 1, 2, 2}, {2, 2, 4, 3}, {4, 3, 5, 4}, {2, 4, 4, 5}, {0, 5, 2, 6}, {0, 7, 5, 8}}},
        // rightwards arrow
        {0x2192, 8, {{0, 4, 6, 5}, {4, 2, 5, 3}, {5, 3, 6, 4}, {5, 5, 6, 6}, {4, 6, 5, 7}}},
        // square root
        {0x221A, 8, {{0, 4, 1, 5}, {1, 5, 2, 6}, {2, 6, 3, 7}, {3, 2, 4, 7}, {4, 0, 5, 2}, {5, 0, 7, 1}}},
        // infinity: two loops
        {0x221E, 10, {{0, 3, 1, 6}, {1, 2, 3, 3}, {1, 6, 3, 7}, {3, 3, 5, 4}, {3, 5, 5, 6}, {4, 4, 5, 5},
                      {5, 2, 7, 3}, {5, 6, 7, 7}, {7, 3, 8, 6}}},
        // modifier letter small x (the exponent of e^-x): a small x
        {0x02E3, 4, {{0, 0, 1, 1}, {1, 1, 2, 2}, {2, 2, 3, 3}, {2, 0, 3, 1}, {0, 2, 1, 3}}},
    };
    return glyphs;
}

const StrokeGlyph* stroke_glyph(std::uint32_t cp) {
    for (const StrokeGlyph& g : stroke_glyphs())
        if (g.cp == cp) return &g;
    return nullptr;
}

// The ASCII character a superscript code point raises ('\0' if it is none).
char superscript_base(std::uint32_t cp) {
    switch (cp) {
        case 0x2070: return '0';
        case 0x00B9: return '1';
        case 0x00B2: return '2';
        case 0x00B3: return '3';
        case 0x207B: return '-';
        default: return cp >= 0x2074 && cp <= 0x2079 ? static_cast<char>('0' + (cp - 0x2070)) : '\0';
    }
}

struct UnitRect {
    float x0, y0, x1, y1;
};

// One ASCII character's strokes from stb_easy_font at pen x, scaled by s about the pen and
// lifted by dy; returns its advance (scaled).
float easy_font_char(char c, float pen, float s, float dy, std::vector<UnitRect>* out) {
    char text[2] = {c, '\0'};
    std::vector<char> quads(2000);
    const int n = stb_easy_font_print(0.0f, 0.0f, text, nullptr, quads.data(), static_cast<int>(quads.size()));
    for (int q = 0; q < n; ++q) {
        // four vertices of 16 bytes each: x, y, z as floats, then 4 colour bytes; the quads are axis-aligned
        const float* v0 = reinterpret_cast<const float*>(quads.data() + 64 * q);
        const float* v2 = reinterpret_cast<const float*>(quads.data() + 64 * q + 32);
        out->push_back({pen + std::min(v0[0], v2[0]) * s, dy + std::min(v0[1], v2[1]) * s, pen + std::max(v0[0], v2[0]) * s,
                        dy + std::max(v0[1], v2[1]) * s});
    }
    return static_cast<float>(stb_easy_font_width(text)) * s;
}

// stb_easy_font's glyphs are built from 1-unit strokes: capitals span y 0..7 (the baseline is
// at 7), descenders reach 9, and each character advances 6-7 units. One unit = size/10 px.
// Greek letters, superscripts and the math symbols of figure labels get strokes of their own
// (stroke_glyphs); any other code point is spelled in ASCII.
TextMask render_builtin(const std::string& utf8, double size) {
    constexpr float kSuper = 0.62f, kSuperLift = -1.2f;  // superscripts: smaller, their top above the capitals'
    const double unit = size / 10.0;
    std::vector<UnitRect> rects;
    float pen = 0.0f, last_spacing = 1.0f;
    for (std::uint32_t cp : decode_utf8(utf8)) {
        if (const StrokeGlyph* g = stroke_glyph(cp)) {
            for (const auto& r : g->rects) rects.push_back({pen + r[0], r[1], pen + r[2], r[3]});
            pen += g->advance;
            last_spacing = 1.0f;
        } else if (const char base = superscript_base(cp)) {
            pen += easy_font_char(base, pen, kSuper, kSuperLift, &rects);
            last_spacing = kSuper;
        } else {
            for (char c : ascii_spelling(cp)) pen += easy_font_char(c, pen, 1.0f, 0.0f, &rects);
            last_spacing = 1.0f;
        }
    }
    TextMask m;
    m.pad = std::ceil(unit);
    m.advance = std::max(0.0f, pen - last_spacing) * unit;  // less the last character's spacing
    m.baseline = m.pad + 7.0 * unit;
    m.cap_height = 7.0 * unit;
    m.width = static_cast<int>(std::ceil(m.advance + 2 * m.pad));
    m.height = static_cast<int>(std::ceil(m.baseline + 2.0 * unit + m.pad));
    m.alpha.assign(static_cast<std::size_t>(m.width) * m.height, 0);
    for (const UnitRect& r : rects)
        cover_rect(m, m.pad + r.x0 * unit, m.pad + r.y0 * unit, m.pad + r.x1 * unit, m.pad + r.y1 * unit);
    return m;
}

// A mask or glyph larger than this is no line of figure text: the font's metrics are absurd.
constexpr double kMaxTextPixels = 1 << 14;

TextMask render_truetype(const Font::TrueType& tt, const std::string& utf8, double size) {
    const stbtt_fontinfo* info = &tt.info;
    const float scale = stbtt_ScaleForPixelHeight(info, static_cast<float>(size));
    int ascent = 0, descent = 0, gap = 0;
    stbtt_GetFontVMetrics(info, &ascent, &descent, &gap);
    int hx0 = 0, hy0 = 0, hx1 = 0, hy1 = 0;
    stbtt_GetCodepointBox(info, 'H', &hx0, &hy0, &hx1, &hy1);

    // Glyphs: a missing one is spelled as the built-in font would spell it. The cmap may name
    // glyphs the font does not have; they become glyph 0 (stb_truetype reads their metrics unchecked).
    auto glyph_of = [&](int cp) {
        const int g = stbtt_FindGlyphIndex(info, cp);
        return g > 0 && g < tt.glyphs ? g : 0;
    };
    std::vector<int> glyphs;
    for (std::uint32_t cp : decode_utf8(utf8)) {
        const int g = glyph_of(static_cast<int>(cp));
        if (g != 0 || cp < 0x80) glyphs.push_back(g);
        else
            for (char c : ascii_spelling(cp)) glyphs.push_back(glyph_of(c));
    }
    // Pen positions (subpixel), with kerning. (stb_truetype's kern table lookup shifts the
    // first glyph index 16 bits up in an int: only indices below 2^15 are kerned.)
    std::vector<double> pen(glyphs.size() + 1, 0.0);
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        int adv = 0, lsb = 0;
        stbtt_GetGlyphHMetrics(info, glyphs[i], &adv, &lsb);
        const bool kerned = i + 1 < glyphs.size() && glyphs[i] < 0x8000 && glyphs[i + 1] < 0x8000;
        const int kern = kerned ? stbtt_GetGlyphKernAdvance(info, glyphs[i], glyphs[i + 1]) : 0;
        pen[i + 1] = pen[i] + (adv + kern) * scale;
    }
    TextMask m;
    m.pad = std::ceil(size * 0.15);  // room for glyphs that overhang their advance (italic-ish tails, 'j')
    m.advance = pen.back();
    m.baseline = std::ceil(ascent * scale) + 1.0;
    m.cap_height = hy1 * scale;
    const double width = std::ceil(m.advance + 2 * m.pad), height = m.baseline + std::ceil(-descent * scale) + 2;
    if (!(width >= 1 && width <= kMaxTextPixels && height >= 1 && height <= kMaxTextPixels && m.baseline >= 0))
        return render_builtin(utf8, size);
    m.width = static_cast<int>(width);
    m.height = static_cast<int>(height);
    m.alpha.assign(static_cast<std::size_t>(m.width) * m.height, 0);
    std::vector<unsigned char> glyph;
    for (std::size_t i = 0; i < glyphs.size(); ++i) {
        const double x = m.pad + pen[i];
        const float shift = static_cast<float>(x - std::floor(x));
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        stbtt_GetGlyphBitmapBoxSubpixel(info, glyphs[i], scale, scale, shift, 0.0f, &x0, &y0, &x1, &y1);
        const long gw = static_cast<long>(x1) - x0, gh = static_cast<long>(y1) - y0;
        if (gw <= 0 || gh <= 0 || gw > m.width + 2 * size || gh > m.height + 2 * size) continue;
        glyph.assign(static_cast<std::size_t>(gw) * gh, 0);
        stbtt_MakeGlyphBitmapSubpixel(info, glyph.data(), static_cast<int>(gw), static_cast<int>(gh), static_cast<int>(gw),
                                      scale, scale, shift, 0.0f, glyphs[i]);
        const long ox = static_cast<long>(std::floor(x)) + x0, oy = static_cast<long>(m.baseline) + y0;
        for (int gy = 0; gy < gh; ++gy)
            for (int gx = 0; gx < gw; ++gx) {
                const long mx = ox + gx, my = oy + gy;
                if (mx < 0 || my < 0 || mx >= m.width || my >= m.height) continue;
                std::uint8_t& a = m.alpha[static_cast<std::size_t>(my) * m.width + mx];
                a = std::max(a, glyph[static_cast<std::size_t>(gy) * gw + gx]);
            }
    }
    return m;
}

double aligned(Align a, double start, double extent) {
    return a == Align::Start ? start : a == Align::Center ? start - extent / 2.0 : start - extent;
}

// A mask position in whole pixels, held within a few canvas sizes of the canvas (text placed
// further out is not seen either way), so that it converts to int and x + w cannot overflow.
int mask_position(double v) { return static_cast<int>(std::lround(std::max(-1e7, std::min(1e7, v)))); }

}  // namespace

Font Font::load(const std::string& request) {
    Font f;
    if (request == "builtin") return f;
    std::string defect;
    if (!request.empty()) {
        if ((f.tt_ = load_truetype(request, &defect))) f.name_ = request;
        else warn_font(request, defect, "the figures use the built-in font");
        return f;
    }
    for (const char* path : kFontSearch) {
        if (!is_file(path)) continue;  // not installed: nothing to say
        if ((f.tt_ = load_truetype(path, &defect))) {
            f.name_ = path;
            break;
        }
        warn_font(path, defect, "not used");
    }
    return f;
}

TextMask Font::render(const std::string& utf8, double size_px) const {
    return tt_ ? render_truetype(*tt_, utf8, size_px) : render_builtin(utf8, size_px);
}

Rect draw_text(Canvas& canvas, const Font& font, const std::string& text, Point anchor, const TextStyle& style) {
    if (!std::isfinite(anchor.x) || !std::isfinite(anchor.y)) return {anchor.x, anchor.y, 0.0, 0.0};  // nowhere to draw
    const TextMask m = font.render(text, style.size);
    // Distance from the mask's top row to the point that v aligns: cap top, cap middle, baseline.
    const double v_offset = style.v == Align::Start    ? m.baseline - m.cap_height
                            : style.v == Align::Center ? m.baseline - m.cap_height / 2.0
                                                       : m.baseline;
    if (!style.vertical) {
        const double left = aligned(style.h, anchor.x, m.advance);
        const double top = anchor.y - v_offset;
        canvas.draw_mask(m.alpha, m.width, m.height, mask_position(left - m.pad), mask_position(top), style.color);
        return {left, top + m.baseline - m.cap_height, m.advance, m.height - (m.baseline - m.cap_height)};
    }
    // Turned a quarter counter-clockwise: the mask's top row becomes its left column and the
    // pen runs upwards, so the text starts at the bottom.
    const double bottom = aligned(style.h, anchor.y, -m.advance);  // Start: begins at anchor.y and rises
    const double left = anchor.x - v_offset;
    canvas.draw_mask(m.alpha, m.width, m.height, mask_position(left), mask_position(bottom + m.pad - m.width), style.color,
                     true);
    return {left + m.baseline - m.cap_height, bottom - m.advance, m.height - (m.baseline - m.cap_height), m.advance};
}

}  // namespace wi
