// font_check.cpp - the walk over a TrueType file that stb_truetype will read (font_check.h).
// Each check names the read of stb_truetype.h it protects; offsets are size_t and every range
// is tested as "offset <= size && length <= size - offset", so no sum can wrap.
#include "font_check.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

namespace {

// Real fonts nest compound glyphs a few levels deep, with a handful of components each. The
// limits keep a hostile glyph from costing stb_truetype minutes (it copies the outline so far
// for every component) or gigabytes.
constexpr int kMaxComponentDepth = 16;
constexpr int kMaxComponents = 256;
constexpr long kMaxGlyphVertices = 1 << 17;

struct Defect {
    std::string what;
};

void need(bool ok, const std::string& what) {
    if (!ok) throw Defect{what};
}

std::string num(std::uint64_t v) { return std::to_string(v); }

// A table as the directory gives it (stb_truetype takes the first entry with the tag).
struct Table {
    std::string tag;
    std::size_t off = 0, len = 0;
    bool present = false;
};

class Checker {
public:
    Checker(const unsigned char* d, std::size_t n) : d_(d), n_(n) {}
    FontCheck run();

private:
    bool fits(std::size_t off, std::size_t len) const { return off <= n_ && len <= n_ - off; }
    unsigned u8(std::size_t o) const { return d_[o]; }
    unsigned u16(std::size_t o) const { return (unsigned(d_[o]) << 8) | d_[o + 1]; }
    int s16(std::size_t o) const { return static_cast<std::int16_t>(u16(o)); }
    std::uint32_t u32(std::size_t o) const { return (std::uint32_t(u16(o)) << 16) | u16(o + 2); }
    // len bytes at offset off inside table t (off relative to the table's start).
    void in_table(const Table& t, std::uint64_t off, std::uint64_t len, const std::string& what) const {
        need(off <= t.len && len <= t.len - off, "'" + t.tag + "' table: " + what + " runs past the end of the table");
    }

    Table find(std::size_t dir, unsigned tables, const char* tag) const;
    void check_glyph(unsigned g, int depth);
    void check_simple(unsigned g, std::size_t o, std::size_t end, int contours);
    void check_compound(unsigned g, std::size_t o, std::size_t end, int depth);
    void check_cmap(const Table& cmap) const;
    void check_coverage(const Table& t, std::size_t cov, long* max_index) const;
    void check_class_def(const Table& t, std::size_t cd) const;
    void check_gpos(const Table& t) const;
    void check_kern(const Table& t) const;

    const unsigned char* d_;
    std::size_t n_;
    Table glyf_;
    std::vector<std::uint32_t> loca_;  // numGlyphs + 1 offsets into glyf
    unsigned glyphs_ = 0;
    // Per glyph: 0 unchecked, 1 being checked (a compound reaching it again is a cycle), 2 done.
    std::vector<std::uint8_t> state_;
    std::vector<long> vertices_;   // stb_truetype's vertex count for the glyph (an upper bound)
    std::vector<double> extent_;   // the largest |coordinate| of its vertices, in font units
};

Table Checker::find(std::size_t dir, unsigned tables, const char* tag) const {
    Table t;
    t.tag = tag;
    for (unsigned i = 0; i < tables; ++i) {
        const std::size_t rec = dir + 16 * std::size_t{i};
        if (std::equal(tag, tag + 4, d_ + rec)) {
            t.off = u32(rec + 8);
            t.len = u32(rec + 12);
            // stb_truetype reads offset 0 as "no such table"
            t.present = t.off != 0;
            if (t.present)
                need(fits(t.off, t.len), "table '" + t.tag + "' (offset " + num(t.off) + ", length " + num(t.len) +
                                             ") runs past the end of the file (" + num(n_) + " bytes)");
            return t;
        }
    }
    return t;
}

void Checker::check_simple(unsigned g, std::size_t o, std::size_t end, int contours) {
    const std::string where = "glyph " + num(g) + ": ";
    const std::size_t ends = o + 10;  // endPtsOfContours
    need(end - o >= 12 + 2 * std::size_t(contours), where + "the contour table runs past the glyph's end");
    for (int c = 1; c < contours; ++c)
        need(u16(ends + 2 * c) > u16(ends + 2 * (c - 1)), where + "contour ends out of order");
    const std::size_t points = 1 + u16(ends + 2 * (contours - 1));
    std::size_t p = ends + 2 * contours;
    p += 2 + u16(p);  // the instructions
    need(p <= end, where + "its instructions run past the glyph's end");
    std::vector<std::uint8_t> flags(points);
    unsigned repeat = 0, f = 0;
    for (std::size_t i = 0; i < points; ++i) {
        if (repeat == 0) {
            need(p < end, where + "its point flags run past the glyph's end");
            f = u8(p++);
            if (f & 8) {
                need(p < end, where + "its point flags run past the glyph's end");
                repeat = u8(p++);
            }
        } else {
            --repeat;
        }
        flags[i] = static_cast<std::uint8_t>(f);
    }
    // stb_truetype starts a contour that begins off the curve from the point after it: the
    // last point cannot be such a start.
    const std::size_t last_start = contours == 1 ? 0 : 1 + u16(ends + 2 * (contours - 2));
    need(!(last_start == points - 1 && !(flags[points - 1] & 1)), where + "its last contour is one off-curve point");
    double extent = 0.0;
    for (int axis = 0; axis < 2; ++axis) {
        const unsigned short_bit = axis == 0 ? 2 : 4, same_bit = axis == 0 ? 16 : 32;
        std::int32_t v = 0;
        for (std::size_t i = 0; i < points; ++i) {
            if (flags[i] & short_bit) {
                need(p < end, where + "its coordinates run past the glyph's end");
                const int dv = u8(p++);
                v += (flags[i] & same_bit) ? dv : -dv;
            } else if (!(flags[i] & same_bit)) {
                need(end - p >= 2, where + "its coordinates run past the glyph's end");
                v += s16(p);
                p += 2;
            }
            extent = std::max(extent, std::abs(static_cast<double>(static_cast<std::int16_t>(v))));
        }
    }
    vertices_[g] = static_cast<long>(points) + 2L * contours;
    extent_[g] = extent;
}

void Checker::check_compound(unsigned g, std::size_t o, std::size_t end, int depth) {
    const std::string where = "compound glyph " + num(g) + ": ";
    std::size_t p = o + 10;
    long vertices = 0;
    double extent = 0.0;
    int components = 0;
    for (bool more = true; more;) {
        need(++components <= kMaxComponents, where + "more than " + num(kMaxComponents) + " components");
        need(end - p >= 4, where + "a component runs past the glyph's end");
        const unsigned flags = u16(p), child = u16(p + 2);
        p += 4;
        need(flags & 2, where + "a component is placed by matching points, which stb_truetype cannot do");
        const std::size_t args = (flags & 1) ? 4 : 2;
        const std::size_t scale = (flags & 8) ? 2 : (flags & 64) ? 4 : (flags & 128) ? 8 : 0;
        need(end - p >= args + scale, where + "a component runs past the glyph's end");
        const double dx = (flags & 1) ? s16(p) : static_cast<std::int8_t>(u8(p));
        const double dy = (flags & 1) ? s16(p + 2) : static_cast<std::int8_t>(u8(p + 1));
        p += args;
        double m[4] = {1, 0, 0, 1};  // stb_truetype's mtx[0..3]
        auto f2dot14 = [this](std::size_t at) { return s16(at) / 16384.0; };
        if (flags & 8) m[0] = m[3] = f2dot14(p);
        else if (flags & 64) m[0] = f2dot14(p), m[3] = f2dot14(p + 2);
        else if (flags & 128) m[0] = f2dot14(p), m[1] = f2dot14(p + 2), m[2] = f2dot14(p + 4), m[3] = f2dot14(p + 6);
        p += scale;
        more = flags & 32;
        if (child >= glyphs_) continue;  // stb_truetype draws nothing for it
        need(child != g && state_[child] != 1, where + "it contains itself");
        need(depth < kMaxComponentDepth, where + "components nested more than " + num(kMaxComponentDepth) + " deep");
        check_glyph(child, depth + 1);
        if (vertices_[child] == 0) continue;
        // stb_truetype sets each vertex to (short)(s * (a x + c y + e)) in float: it must fit a short.
        const double sx = std::sqrt(m[0] * m[0] + m[1] * m[1]), sy = std::sqrt(m[2] * m[2] + m[3] * m[3]);
        const double b = extent_[child];
        const double ex = sx * ((std::abs(m[0]) + std::abs(m[2])) * b + std::abs(dx));
        const double ey = sy * ((std::abs(m[1]) + std::abs(m[3])) * b + std::abs(dy));
        need(ex < 32767.0 && ey < 32767.0, where + "a scaled component's coordinates do not fit 16 bits");
        extent = std::max({extent, ex, ey});
        vertices += vertices_[child];
        need(vertices <= kMaxGlyphVertices, where + "more than " + num(kMaxGlyphVertices) + " outline points");
    }
    vertices_[g] = vertices;
    extent_[g] = extent;
}

void Checker::check_glyph(unsigned g, int depth) {
    if (state_[g] == 2) return;
    state_[g] = 1;
    const std::size_t o = glyf_.off + loca_[g], end = glyf_.off + loca_[g + 1];
    if (end > o) {  // stb_truetype skips a glyph of length 0
        need(end - o >= 10, "glyph " + num(g) + ": shorter than a glyph header");
        const int contours = s16(o);
        if (contours > 0) check_simple(g, o, end, contours);
        else if (contours < 0) check_compound(g, o, end, depth);
    }
    state_[g] = 2;
}

void Checker::check_cmap(const Table& cmap) const {
    in_table(cmap, 0, 4, "the header");
    const unsigned subtables = u16(cmap.off + 2);
    in_table(cmap, 4, 8ull * subtables, "the list of " + num(subtables) + " subtables");
    // The subtable stb_truetype uses: the last Microsoft Unicode (BMP or full) or Unicode-platform one.
    std::size_t sub = 0;
    bool found = false;
    for (unsigned i = 0; i < subtables; ++i) {
        const std::size_t rec = cmap.off + 4 + 8 * std::size_t{i};
        const unsigned platform = u16(rec), encoding = u16(rec + 2);
        if ((platform == 3 && (encoding == 1 || encoding == 10)) || platform == 0) sub = u32(rec + 4), found = true;
    }
    need(found, "'cmap' table: no Unicode subtable");
    in_table(cmap, sub, 4, "the Unicode subtable");
    const std::size_t at = cmap.off + sub, avail = cmap.len - sub;
    const unsigned format = u16(at);
    const std::string where = "'cmap' format " + num(format) + " subtable: ";
    switch (format) {
        case 0: need(u16(at + 2) <= avail, where + "runs past the end of the table"); return;
        case 6:
            need(avail >= 10 && 10 + 2 * std::size_t{u16(at + 8)} <= avail, where + "runs past the end of the table");
            return;
        case 12:
        case 13:
            need(avail >= 16 && 16 + 12 * std::uint64_t{u32(at + 12)} <= avail, where + "runs past the end of the table");
            return;
        case 4: break;
        default: need(false, where + "a format stb_truetype cannot read");
    }
    need(avail >= 14, where + "runs past the end of the table");
    const unsigned segments = u16(at + 6) >> 1;
    need(segments >= 1, where + "no segments");
    need(16 + 8 * std::size_t{segments} <= avail, where + "its " + num(segments) + " segments run past the end of the table");
    // stb_truetype's binary search goes where these fields send it: they must be the ones the
    // segment count implies.
    unsigned range = 1, selector = 0;
    while (range * 2 <= segments) range *= 2, ++selector;
    need((u16(at + 8) >> 1) == range && u16(at + 10) == selector && (u16(at + 12) >> 1) == segments - range,
         where + "searchRange, entrySelector and rangeShift do not match its " + num(segments) + " segments");
    const std::size_t ends = at + 14, starts = ends + 2 * segments + 2, ranges = starts + 4 * segments;
    for (unsigned k = 0; k < segments; ++k) {
        const unsigned first = u16(starts + 2 * k), last = u16(ends + 2 * k), range_offset = u16(ranges + 2 * k);
        if (range_offset == 0 || first > last) continue;
        // glyph ids are read at the range offset's own address + range_offset + 2 (c - first)
        const std::uint64_t glyph_ids = ranges + 2 * k - cmap.off + std::uint64_t{range_offset};
        in_table(cmap, glyph_ids, 2 * (std::uint64_t{last} - first) + 2, "segment " + num(k) + "'s glyph ids");
    }
}

// The largest coverage index stb_truetype can compute from the coverage table at cov (-1: none).
void Checker::check_coverage(const Table& t, std::size_t cov, long* max_index) const {
    *max_index = -1;
    in_table(t, cov, 4, "a coverage table");
    const std::size_t at = t.off + cov;
    const unsigned count = u16(at + 2);
    if (u16(at) == 1) {
        in_table(t, cov + 4, 2ull * count, "a coverage table");
        *max_index = static_cast<long>(count) - 1;
    } else if (u16(at) == 2) {
        in_table(t, cov + 4, 6ull * count, "a coverage table");
        for (unsigned r = 0; r < count; ++r) {
            const std::size_t rec = at + 4 + 6 * std::size_t{r};
            if (u16(rec) <= u16(rec + 2)) *max_index = std::max<long>(*max_index, long{u16(rec + 4)} + u16(rec + 2) - u16(rec));
        }
    }
}

void Checker::check_class_def(const Table& t, std::size_t cd) const {
    in_table(t, cd, 2, "a class definition");
    const unsigned format = u16(t.off + cd);
    if (format == 1) in_table(t, cd, 6, "a class definition"), in_table(t, cd + 6, 2ull * u16(t.off + cd + 4), "a class definition");
    if (format == 2) in_table(t, cd, 4, "a class definition"), in_table(t, cd + 4, 6ull * u16(t.off + cd + 2), "a class definition");
}

void Checker::check_gpos(const Table& t) const {
    in_table(t, 0, 4, "the header");
    if (u16(t.off) != 1 || u16(t.off + 2) != 0) return;  // stb_truetype reads only version 1.0
    in_table(t, 0, 10, "the header");
    const std::size_t list = u16(t.off + 8);
    in_table(t, list, 2, "the lookup list");
    const unsigned lookups = u16(t.off + list);
    in_table(t, list + 2, 2ull * lookups, "the lookup list");
    for (unsigned i = 0; i < lookups; ++i) {
        const std::size_t lookup = list + u16(t.off + list + 2 + 2 * i);
        in_table(t, lookup, 6, "lookup " + num(i));
        if (u16(t.off + lookup) != 2) continue;  // only pair adjustment is read
        const unsigned subtables = u16(t.off + lookup + 4);
        in_table(t, lookup + 6, 2ull * subtables, "lookup " + num(i));
        for (unsigned s = 0; s < subtables; ++s) {
            const std::size_t sub = lookup + u16(t.off + lookup + 6 + 2 * s);
            const std::string where = "lookup " + num(i) + " subtable " + num(s);
            in_table(t, sub, 4, where);
            long max_index = -1;
            check_coverage(t, sub + u16(t.off + sub + 2), &max_index);
            if (max_index < 0) continue;
            const unsigned format = u16(t.off + sub);
            if (format == 1) {
                in_table(t, sub, 10, where);
                if (u16(t.off + sub + 4) != 4 || u16(t.off + sub + 6) != 0) continue;
                const unsigned sets = u16(t.off + sub + 8);
                // stb_truetype reads the pair set of a coverage index before comparing it with the count
                need(max_index < static_cast<long>(sets), "'GPOS' table: " + where + ": coverage beyond its pair sets");
                in_table(t, sub + 10, 2ull * sets, where);
                for (unsigned k = 0; k < sets; ++k) {
                    const std::size_t set = sub + u16(t.off + sub + 10 + 2 * k);
                    in_table(t, set, 2, where + " pair set " + num(k));
                    in_table(t, set + 2, 4ull * u16(t.off + set), where + " pair set " + num(k));
                }
            } else if (format == 2) {
                in_table(t, sub, 16, where);
                if (u16(t.off + sub + 4) != 4 || u16(t.off + sub + 6) != 0) continue;
                check_class_def(t, sub + u16(t.off + sub + 8));
                check_class_def(t, sub + u16(t.off + sub + 10));
                in_table(t, sub + 16, 2ull * u16(t.off + sub + 12) * u16(t.off + sub + 14), where + " class records");
            }
        }
    }
}

void Checker::check_kern(const Table& t) const {
    in_table(t, 0, 4, "the header");
    if (u16(t.off + 2) < 1) return;
    in_table(t, 0, 10, "the header");
    if (u16(t.off + 8) != 1) return;
    in_table(t, 0, 12, "the header");
    const unsigned pairs = u16(t.off + 10);
    if (pairs > 0) in_table(t, 18, 6ull * pairs, "the list of " + num(pairs) + " pairs");
}

FontCheck Checker::run() {
    FontCheck result;
    need(n_ >= 12, "shorter than a font header (" + num(n_) + " bytes)");
    need(n_ <= kMaxFontBytes, "larger than " + num(kMaxFontBytes >> 20) + " MiB");
    std::size_t start = 0;
    if (std::equal(d_, d_ + 4, "ttcf")) {  // a collection: the first font
        need(n_ >= 16 && (u32(4) == 0x00010000 || u32(4) == 0x00020000) && u32(8) >= 1,
             "a font collection with a damaged header");
        start = u32(12);
        need(fits(start, 12), "the collection's first font starts past the end of the file");
    }
    const std::uint32_t kind = u32(start);
    need(kind != 0x4F54544F, "CFF outlines (OpenType .otf); only TrueType outlines are read");
    need(kind == 0x00010000 || kind == 0x74727565, "not a TrueType font (no TrueType signature)");
    const unsigned tables = u16(start + 4);
    const std::size_t dir = start + 12;
    need(fits(dir, 16 * std::size_t{tables}),
         "the table directory (" + num(tables) + " tables) runs past the end of the file (" + num(n_) + " bytes)");
    std::vector<Table> used;
    for (const char* tag : {"cmap", "loca", "head", "glyf", "hhea", "hmtx", "maxp", "kern", "GPOS"}) {
        Table t = find(dir, tables, tag);
        const bool optional = t.tag == "kern" || t.tag == "GPOS";
        need(t.present || optional, "no '" + t.tag + "' table");
        if (!t.present) continue;
        need(t.off >= dir + 16 * std::size_t{tables} || t.off + t.len <= start,
             "table '" + t.tag + "' overlaps the table directory");
        for (const Table& u : used)
            need(t.len == 0 || u.len == 0 || t.off + t.len <= u.off || u.off + u.len <= t.off,
                 "tables '" + u.tag + "' and '" + t.tag + "' overlap");
        used.push_back(t);
    }
    const Table &cmap = used[0], &loca = used[1], &head = used[2], &hhea = used[4], &hmtx = used[5], &maxp = used[6];
    glyf_ = used[3];

    in_table(head, 0, 54, "the header");
    const unsigned em = u16(head.off + 18), loca_format = u16(head.off + 50);
    need(em >= 16 && em <= 16384, "'head' table: unitsPerEm " + num(em) + " is outside 16..16384");
    need(loca_format <= 1, "'head' table: indexToLocFormat " + num(loca_format) + " is neither 0 nor 1");
    in_table(maxp, 0, 6, "the header");
    glyphs_ = u16(maxp.off + 4);
    need(glyphs_ >= 1, "'maxp' table: no glyphs");
    in_table(hhea, 0, 36, "the header");
    const int ascent = s16(hhea.off + 4), descent = s16(hhea.off + 6);
    need(ascent > descent, "'hhea' table: the ascender " + std::to_string(ascent) + " is not above the descender " +
                               std::to_string(descent));
    const unsigned metrics = u16(hhea.off + 34);
    need(metrics >= 1, "'hhea' table: no horizontal metrics");
    // stb_truetype reads glyph g's advance at 4 min(g, metrics - 1), its side bearing past the long metrics
    const std::uint64_t hmtx_need = metrics >= glyphs_ ? 4ull * glyphs_ : 4ull * metrics + 2ull * (glyphs_ - metrics);
    in_table(hmtx, 0, hmtx_need, "the metrics of " + num(glyphs_) + " glyphs");
    const std::size_t entry = loca_format == 0 ? 2 : 4;
    in_table(loca, 0, entry * (std::size_t{glyphs_} + 1), "the offsets of " + num(glyphs_) + " glyphs");
    loca_.resize(glyphs_ + 1);
    for (unsigned g = 0; g <= glyphs_; ++g) {
        loca_[g] = entry == 2 ? 2 * u16(loca.off + 2 * g) : u32(loca.off + 4 * g);
        need(loca_[g] <= glyf_.len, "'loca' table: glyph " + num(g) + " starts past the end of 'glyf'");
        need(g == 0 || loca_[g] >= loca_[g - 1], "'loca' table: glyph " + num(g) + " starts before the one before it");
    }
    state_.assign(glyphs_, 0);
    vertices_.assign(glyphs_, 0);
    extent_.assign(glyphs_, 0.0);
    for (unsigned g = 0; g < glyphs_; ++g) check_glyph(g, 0);
    check_cmap(cmap);
    // stb_truetype kerns with GPOS when there is one, else with kern (the last two tables, when present)
    if (used.back().tag == "GPOS") check_gpos(used.back());
    else if (used.back().tag == "kern") check_kern(used.back());
    result.ok = true;
    result.offset = static_cast<int>(start);
    result.glyphs = static_cast<int>(glyphs_);
    return result;
}

}  // namespace

FontCheck check_truetype(const unsigned char* data, std::size_t size) {
    try {
        return Checker(data, size).run();
    } catch (const Defect& d) {
        FontCheck bad;
        bad.defect = d.what;
        return bad;
    }
}

}  // namespace wi
