// test_figure_faults.cpp - figures under hostile input: damaged fonts (built from the real
// DejaVu Sans by cutting and patching bytes) are refused by name and replaced by the built-in
// font; very deep networks get a figure of bounded size; canvases beyond the PNG encoder's
// limits are refused; NaN, infinite and huge values pass through axes, ticks, histograms and
// text without undefined behaviour (the SAN=1 build, with float-cast-overflow, checks that).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <dirent.h>

#include "core/error.h"
#include "fuzz/font_target.h"
#include "report/axes.h"
#include "report/canvas.h"
#include "report/figures.h"
#include "report/font_check.h"
#include "report/png.h"
#include "report/text.h"
#include "report/ticks.h"
#include "core/rng.h"
#include "test_png.h"
#include "test_util.h"

using namespace wi;
using namespace wi_test;

namespace {

const char* const kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// A TrueType file in memory, with the few reads and writes the damage below needs.
struct Ttf {
    std::string b;
    unsigned u16(std::size_t o) const { return (unsigned(std::uint8_t(b[o])) << 8) | std::uint8_t(b[o + 1]); }
    std::uint32_t u32(std::size_t o) const { return (std::uint32_t(u16(o)) << 16) | u16(o + 2); }
    void set16(std::size_t o, unsigned v) {
        b[o] = char(v >> 8);
        b[o + 1] = char(v);
    }
    void set32(std::size_t o, std::uint32_t v) {
        set16(o, v >> 16);
        set16(o + 2, v & 0xFFFF);
    }
    std::size_t record(const std::string& tag) const {  // the table's directory entry
        for (unsigned i = 0; i < u16(4); ++i)
            if (b.compare(12 + 16 * i, 4, tag) == 0) return 12 + 16 * i;
        BOOST_FAIL("no table " << tag);
        return 0;
    }
    std::size_t off(const std::string& tag) const { return u32(record(tag) + 8); }
    std::size_t len(const std::string& tag) const { return u32(record(tag) + 12); }
    // glyph g's offset in the file and its length (long loca offsets, as DejaVu has)
    std::size_t glyph(unsigned g, std::size_t* length) const {
        const std::uint32_t a = u32(off("loca") + 4 * g), e = u32(off("loca") + 4 * g + 4);
        *length = e - a;
        return off("glyf") + a;
    }
    unsigned glyphs() const { return u16(off("maxp") + 4); }
    // The first glyph with the given kind of outline (contours > 0: simple, < 0: compound).
    unsigned find_glyph(bool compound) const {
        for (unsigned g = 0; g < glyphs(); ++g) {
            std::size_t length = 0;
            const std::size_t o = glyph(g, &length);
            const int contours = static_cast<std::int16_t>(u16(o));
            if (length >= 10 && (compound ? contours < 0 : contours > 0)) return g;
        }
        BOOST_FAIL("no such glyph");
        return 0;
    }
};

Ttf dejavu() {
    Ttf t{read_file(kDejaVu)};
    BOOST_TEST_REQUIRE(t.b.size() > 100000u, "DejaVu Sans is needed (Debian: fonts-dejavu-core)");
    BOOST_TEST_REQUIRE(t.u16(t.off("head") + 50) == 1u);  // long loca offsets, as Ttf::glyph reads them
    return t;
}

struct Damage {
    const char* name;
    std::function<void(Ttf&)> apply;
    const char* defect;  // a part of the message that must name it
};

// Each a defect that made stb_truetype read out of bounds, loop, recurse or abort.
std::vector<Damage> damages() {
    return {
        {"cut_to_100_bytes", [](Ttf& t) { t.b.resize(100); }, "table directory (20 tables) runs past the end"},
        {"cut_in_half", [](Ttf& t) { t.b.resize(t.b.size() / 2); }, "runs past the end of the file"},
        {"cut_to_11_bytes", [](Ttf& t) { t.b.resize(11); }, "shorter than a font header"},
        {"huge_table_count", [](Ttf& t) { t.set16(4, 0xFFFF); }, "table directory (65535 tables)"},
        {"glyf_past_eof", [](Ttf& t) { t.set32(t.record("glyf") + 8, std::uint32_t(t.b.size() - 10)); },
         "table 'glyf' (offset"},
        {"glyf_length_huge", [](Ttf& t) { t.set32(t.record("glyf") + 12, 0xFFFFFFF0u); }, "table 'glyf'"},
        {"cmap_at_offset_0", [](Ttf& t) { t.set32(t.record("cmap") + 8, 0); }, "no 'cmap' table"},
        {"cmap_zero_length", [](Ttf& t) { t.set32(t.record("cmap") + 12, 0); }, "'cmap' table: the header runs past"},
        {"cmap_huge_subtable_count", [](Ttf& t) { t.set16(t.off("cmap") + 2, 0x7FFF); }, "'cmap' table: the list of 32767"},
        {"cmap_subtable_past_table", [](Ttf& t) { t.set32(t.off("cmap") + 4 + 8 * 4 + 4, 0x00FFFFFF); },
         "'cmap' table: the Unicode subtable runs past"},
        {"cmap_format_4_search_fields",
         [](Ttf& t) {
             t.set16(t.off("cmap") + 4 + 8 * 4, 1);  // the (3, 10) record becomes a Mac one: the format 4 is used
             const std::size_t sub = t.off("cmap") + t.u32(t.off("cmap") + 4 + 8 * 3 + 4);
             BOOST_TEST_REQUIRE(t.u16(sub) == 4u);
             t.set16(sub + 12, 0xFFFE);  // rangeShift
         },
         "searchRange, entrySelector and rangeShift do not match"},
        {"cmap_format_2",
         [](Ttf& t) { t.set16(t.off("cmap") + t.u32(t.off("cmap") + 4 + 8 * 4 + 4), 2); }, "a format stb_truetype cannot read"},
        {"cmap_groups_past_table",
         [](Ttf& t) { t.set32(t.off("cmap") + t.u32(t.off("cmap") + 4 + 8 * 4 + 4) + 12, 0x10000000); },
         "'cmap' format 12 subtable: runs past"},
        {"head_too_short", [](Ttf& t) { t.set32(t.record("head") + 12, 20); }, "'head' table: the header runs past"},
        {"head_loca_format_7", [](Ttf& t) { t.set16(t.off("head") + 50, 7); }, "indexToLocFormat 7"},
        {"head_units_per_em_0", [](Ttf& t) { t.set16(t.off("head") + 18, 0); }, "unitsPerEm 0"},
        {"hhea_no_metrics", [](Ttf& t) { t.set16(t.off("hhea") + 34, 0); }, "no horizontal metrics"},
        {"hhea_flat", [](Ttf& t) { t.set16(t.off("hhea") + 6, t.u16(t.off("hhea") + 4)); }, "is not above the descender"},
        {"hmtx_too_short", [](Ttf& t) { t.set32(t.record("hmtx") + 12, 100); }, "'hmtx' table: the metrics of"},
        {"maxp_absurd_glyph_count", [](Ttf& t) { t.set16(t.off("maxp") + 4, 0xFFFF); }, "65535 glyphs"},
        {"maxp_no_glyphs", [](Ttf& t) { t.set16(t.off("maxp") + 4, 0); }, "'maxp' table: no glyphs"},
        {"maxp_zero_length", [](Ttf& t) { t.set32(t.record("maxp") + 12, 0); }, "'maxp' table: the header runs past"},
        {"loca_past_glyf", [](Ttf& t) { t.set32(t.off("loca") + 4 * 100, 0xFFFFF000u); }, "glyph 100 starts past the end of 'glyf'"},
        {"loca_backwards", [](Ttf& t) { t.set32(t.off("loca") + 4 * 37, t.u32(t.off("loca") + 4 * 36) - 2); },
         "starts before the one before it"},
        {"loca_overlaps_glyf", [](Ttf& t) { t.set32(t.record("loca") + 8, std::uint32_t(t.off("glyf") + 16)); }, "overlap"},
        {"table_over_directory", [](Ttf& t) { t.set32(t.record("hhea") + 8, 12); }, "overlaps the table directory"},
        {"cff_outlines", [](Ttf& t) { t.b.replace(0, 4, "OTTO"); }, "CFF outlines"},
        {"not_a_font", [](Ttf& t) { t.b.replace(0, 4, "GIF8"); }, "not a TrueType font"},
        {"compound_glyph_contains_itself",
         [](Ttf& t) {
             const unsigned g = t.find_glyph(true);
             std::size_t length = 0;
             t.set16(t.glyph(g, &length) + 12, g);  // its first component's glyph index
         },
         "contains itself"},
        {"compound_glyph_matches_points",
         [](Ttf& t) {
             std::size_t length = 0;
             const std::size_t o = t.glyph(t.find_glyph(true), &length);
             t.set16(o + 10, t.u16(o + 10) & ~2u);  // ARGS_ARE_XY_VALUES cleared: stb_truetype asserts
         },
         "matching points"},
        {"glyph_instructions_past_end",
         [](Ttf& t) {
             std::size_t length = 0;
             const std::size_t o = t.glyph(t.find_glyph(false), &length);
             t.set16(o + 10 + 2 * t.u16(o), 0xFFFF);  // instructionLength
         },
         "its instructions run past the glyph's end"},
        {"glyph_points_past_end",
         [](Ttf& t) {
             std::size_t length = 0;
             const std::size_t o = t.glyph(t.find_glyph(false), &length);
             t.set16(o + 10 + 2 * (t.u16(o) - 1), 0xFFF0);  // the last contour ends at point 65520
         },
         "run past the glyph's end"},
        {"glyph_contours_out_of_order",
         [](Ttf& t) {
             for (unsigned g = 0;; ++g) {
                 std::size_t length = 0;
                 const std::size_t o = t.glyph(g, &length);
                 if (length >= 10 && static_cast<std::int16_t>(t.u16(o)) >= 2) {
                     t.set16(o + 10, t.u16(o + 12) + 1);
                     return;
                 }
             }
         },
         "contour ends out of order"},
        {"gpos_lookup_list_past_table", [](Ttf& t) { t.set32(t.record("GPOS") + 12, 12); }, "'GPOS' table: the lookup list"},
        {"gpos_lookups_past_table", [](Ttf& t) { t.set16(t.off("GPOS") + t.u16(t.off("GPOS") + 8), 0xFFFF); },
         "'GPOS' table: the lookup list runs past"},
        {"kern_pairs_past_table",
         [](Ttf& t) {
             t.b.replace(t.record("GPOS"), 4, "XXXX");  // without GPOS stb_truetype kerns with 'kern'
             t.set16(t.off("kern") + 10, 0xFFFF);
         },
         "'kern' table: the list of 65535 pairs"},
    };
}

std::string damaged(const TempDir& dir, const Damage& d) {
    Ttf t = dejavu();
    d.apply(t);
    const std::string path = dir / (std::string(d.name) + ".ttf");
    write_file(path, t.b);
    return path;
}

int ink(const TextMask& m) { return static_cast<int>(std::count_if(m.alpha.begin(), m.alpha.end(), [](std::uint8_t a) { return a > 0; })); }

// Non-white pixels in rows [y0, y1) of the image.
int ink_rows(const Png& img, int y0, int y1) {
    int n = 0;
    for (int y = y0; y < std::min(y1, img.height); ++y)
        for (int x = 0; x < img.width; ++x) {
            const unsigned char* p = &img.rgb[(static_cast<std::size_t>(y) * img.width + x) * 3];
            n += p[0] != 255 || p[1] != 255 || p[2] != 255;
        }
    return n;
}

int count(const std::string& text, const std::string& part) {
    int n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

std::string repeated(const std::string& item, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += (i ? "," : "") + item;
    return s;
}

bool all_finite(const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(figure_faults)

BOOST_AUTO_TEST_CASE(dejavu_passes_the_font_check) {
    const Ttf t = dejavu();
    const FontCheck c = check_truetype(reinterpret_cast<const unsigned char*>(t.b.data()), t.b.size());
    BOOST_TEST(c.ok, c.defect);
    BOOST_TEST(c.glyphs == static_cast<int>(t.glyphs()));
    const Font f = Font::load(kDejaVu);
    BOOST_TEST(f.is_truetype());
    BOOST_TEST(ink(f.render("0.25 \xCF\x83 = 10\xE2\x81\xBB\xC2\xB3 AVWa", 15)) > 100);
}

BOOST_AUTO_TEST_CASE(damaged_fonts_are_refused_by_name) {
    TempDir dir;
    BOOST_TEST(readme_says("damages DejaVu Sans " + std::to_string(damages().size()) + " ways"), "README.md: the count of font damages, " << damages().size());
    for (const Damage& d : damages()) {
        BOOST_TEST_CONTEXT(d.name) {
            const std::string path = damaged(dir, d);
            const std::string bytes = read_file(path);
            const FontCheck c = check_truetype(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
            BOOST_TEST(!c.ok);
            BOOST_TEST(contains(c.defect, d.defect), "defect: " << c.defect);
            // The figure keeps its text: the built-in font writes it.
            const Font f = Font::load(path);
            BOOST_TEST(!f.is_truetype());
            BOOST_TEST(f.name() == "built-in");
            BOOST_TEST(ink(f.render("loss 0.25", 15)) > 40);
        }
    }
}

// A cmap may name glyphs the font does not have (the check leaves glyph ids alone): they are
// drawn as glyph 0, that is spelled as the built-in font spells them, never looked up past hmtx.
BOOST_AUTO_TEST_CASE(cmap_glyph_ids_beyond_the_font_become_glyph_0) {
    TempDir dir;
    Ttf t = dejavu();
    const std::size_t sub = t.off("cmap") + t.u32(t.off("cmap") + 4 + 8 * 4 + 4);
    BOOST_TEST_REQUIRE(t.u16(sub) == 12u);
    bool patched = false;
    for (std::uint32_t i = 0; i < t.u32(sub + 12); ++i) {
        const std::size_t group = sub + 16 + 12 * i;
        if (t.u32(group) <= 0x3C3 && 0x3C3 <= t.u32(group + 4)) {  // sigma's group
            t.set32(group + 8, 0x00FFFF00);
            patched = true;
        }
    }
    BOOST_TEST_REQUIRE(patched);
    write_file(dir / "far_glyphs.ttf", t.b);
    const Font f = Font::load(dir / "far_glyphs.ttf");
    BOOST_TEST_REQUIRE(f.is_truetype());
    BOOST_TEST(f.render("\xCF\x83", 15).advance == f.render("s", 15).advance);
    BOOST_TEST(f.render("x = \xCF\x83", 15).advance == f.render("x = s", 15).advance);
}

// Random damage: whatever passes the check must render every character figures use.
BOOST_AUTO_TEST_CASE(randomly_damaged_fonts_never_crash_the_renderer) {
    TempDir dir;
    const Ttf original = dejavu();
    // The bytes stb_truetype reads as structure: the directory and the tables it uses.
    std::vector<std::pair<std::size_t, std::size_t>> spans = {{0, 12 + 16 * original.u16(4)}};
    for (const char* tag : {"cmap", "head", "hhea", "maxp", "loca", "GPOS"}) spans.push_back({original.off(tag), original.len(tag)});
    spans.push_back({original.off("glyf"), 4096});
    Rng rng(20261201);
    int accepted = 0;
    const std::string text = "\xE2\x88\x92" "0.5 1e-08 \xCF\x83(x) = 1 / (1 + e\xE2\x81\xBB\xCB\xA3) fc1.weight (4, 784) AVWTo";
    for (int trial = 0; trial < 60; ++trial) {
        Ttf t = original;
        const int flips = 1 + static_cast<int>(rng.below(6));
        for (int k = 0; k < flips; ++k) {
            const auto& span = spans[rng.below(spans.size())];
            const std::size_t at = span.first + rng.below(std::min<std::size_t>(span.second, 4096));
            t.b[at] = static_cast<char>(rng.below(256));
        }
        const std::string path = dir / "random.ttf";
        write_file(path, t.b);
        const Font f = Font::load(path);
        accepted += f.is_truetype();
        BOOST_TEST(f.render(text, 15).width > 0);
        BOOST_TEST(f.render("0", 200).height > 0);
    }
    BOOST_TEST_MESSAGE("random font damage: " << accepted << " of 60 fonts still passed the check");
}

// The fuzzer's seeds (tests/fuzz/corpus_font/, from make_font_seeds.py) are valid fonts with
// every structure the check reads: each must pass it and render; files the fuzzer finds go there too.
BOOST_AUTO_TEST_CASE(font_fuzz_seeds_replay) {
    TempDir dir;
    const std::string corpus = repo_root() + "/tests/fuzz/corpus_font";
    DIR* d = opendir(corpus.c_str());
    BOOST_TEST_REQUIRE(d != nullptr, corpus);
    int seeds = 0;
    for (dirent* e = readdir(d); e != nullptr; e = readdir(d)) {
        const std::string name = e->d_name;
        if (name[0] == '.') continue;
        const std::string bytes = read_file(corpus + "/" + name);
        const bool truetype = wi_fuzz::font_one(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                                                dir / ("seed_" + name));
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".ttf") == 0) BOOST_TEST(truetype, name << " is refused");
        ++seeds;
    }
    closedir(d);
    BOOST_TEST(seeds >= 4);
}

BOOST_AUTO_TEST_CASE(wi_plot_with_a_damaged_font_warns_once_and_writes_the_figure) {
    TempDir dir;
    for (const Damage& d : damages()) {
        const std::string name = d.name;
        if (name != "cut_in_half" && name != "cmap_huge_subtable_count" && name != "compound_glyph_contains_itself" &&
            name != "huge_table_count")
            continue;
        BOOST_TEST_CONTEXT(d.name) {
            const std::string font = damaged(dir, d);
            const std::string out = dir / (name + "_out");
            const RunResult r = run_wi("plot sigmoid --out '" + out + "'", "WI_FONT='" + font + "'");
            BOOST_TEST(r.status == 0, r.err);
            BOOST_TEST(count(r.err, "warning: font " + font + ": ") == 1, r.err);
            BOOST_TEST(contains(r.err, d.defect), r.err);
            BOOST_TEST(contains(r.err, "built-in font"), r.err);
            const Png img = decode_png(out + "/sigmoid_inits.png");
            BOOST_TEST(img.width == 1000);
            BOOST_TEST(img.height == 700);
            BOOST_TEST(ink_rows(img, 35, 65) > 100);  // the panel's title is written
        }
    }
}

BOOST_AUTO_TEST_CASE(a_missing_font_or_a_directory_is_named) {
    TempDir dir;
    const RunResult d = run_wi("plot sigmoid-grad --out '" + (dir / "a") + "'", "WI_FONT='" + dir.path() + "'");
    BOOST_TEST(d.status == 0, d.err);
    BOOST_TEST(contains(d.err, "warning: font " + dir.path() + ": a directory, not a font file"), d.err);
    BOOST_TEST(decode_png(dir / "a/sigmoid_grad.png").width == 1000);
    const RunResult m = run_wi("plot sigmoid-grad --out '" + (dir / "b") + "'", "WI_FONT='" + (dir / "none.ttf") + "'");
    BOOST_TEST(m.status == 0, m.err);
    BOOST_TEST(contains(m.err, "none.ttf: no such file"), m.err);
    BOOST_TEST(decode_png(dir / "b/sigmoid_grad.png").width == 1000);
}

BOOST_AUTO_TEST_CASE(a_damaged_font_is_reported_once_per_run) {
    TempDir dir;
    const std::string font = damaged(dir, damages()[0]);
    const RunResult r = run_wi("--epochs 0 --plots --out '" + dir.path() + "'", "WI_FONT='" + font + "'");
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(count(r.err, "warning: font") == 1, r.err);  // two figures, one warning
    BOOST_TEST(decode_png(dir / "training_default.png").width == 1000);
    BOOST_TEST(decode_png(dir / "weights_default.png").width == 1000);
}

BOOST_AUTO_TEST_CASE(canvas_sizes_beyond_the_encoder_are_refused) {
    BOOST_CHECK_NO_THROW(check_canvas_size(1400, 1900, 3));
    BOOST_CHECK_NO_THROW(check_canvas_size(kMaxCanvasSide, 4096, 3));
    BOOST_CHECK_THROW(check_canvas_size(kMaxCanvasSide + 1, 10, 3), Error);
    BOOST_CHECK_THROW(check_canvas_size(10, kMaxCanvasSide + 1, 3), Error);
    BOOST_CHECK_THROW(check_canvas_size(12000, 12000, 3), Error);  // 432 MB
    BOOST_CHECK_THROW(check_canvas_size(0, 10, 3), Error);
    BOOST_CHECK_THROW(check_canvas_size(1LL << 40, 1LL << 40, 3), Error);  // no overflow in the check itself
    try {
        Canvas c(50000, 300000, palette::kWhite);
        BOOST_FAIL("a 50000 x 300000 canvas was allocated");
    } catch (const Error& e) {
        BOOST_TEST(contains(e.what(), "50000 x 300000"), e.what());
    }
    const Canvas small(0, -4, palette::kWhite);  // sizes below 1 become 1
    BOOST_TEST(small.width() == 1);
    BOOST_TEST(encode_png(small).size() > 8u);
}

BOOST_AUTO_TEST_CASE(deep_networks_get_a_figure_of_bounded_size) {
    TempDir dir;
    const RunResult r = run_wi("--arch 784," + repeated("4", 3000) + ",10 --epochs 0 --plots --out '" + dir.path() + "'");
    BOOST_TEST(r.status == 0, r.err);
    const Png w = decode_png(dir / "weights_default.png");
    BOOST_TEST(w.width <= 1400);
    BOOST_TEST(w.height <= 2000);
    const Png t = decode_png(dir / "training_default.png");
    BOOST_TEST(t.width == 1000);
    BOOST_TEST(t.height == 700);
}

BOOST_AUTO_TEST_CASE(wide_and_deep_networks_get_their_figures) {
    TempDir dir;
    const RunResult r = run_wi("--arch 784,6000," + repeated("300", 40) + ",10 --epochs 0 --plots --out '" + dir.path() + "'");
    BOOST_TEST(r.status == 0, r.err);
    const Png w = decode_png(dir / "weights_default.png");
    BOOST_TEST(w.width <= 1400);
    BOOST_TEST(w.height <= 2000);
}

BOOST_AUTO_TEST_CASE(weights_figure_shows_first_and_last_layers) {
    TempDir dir;
    FigureOptions fig;
    fig.out_dir = dir.path();
    fig.font = "builtin";
    std::vector<LayerWeights> layers;
    Rng rng(3);
    for (int l = 0; l < 40; ++l) {
        LayerWeights L{"fc" + std::to_string(l + 1) + ".weight", 8, 8, {}};
        for (int i = 0; i < 64; ++i) L.w.push_back(static_cast<float>(rng.uniform(-1, 1)));
        layers.push_back(L);
    }
    const FigureFile f = plot_weights(fig, "x", "x", nullptr, layers);
    BOOST_TEST(f.panels.size() == 17u);
    const Png img = decode_png(f.path);
    BOOST_TEST(img.width == 1400);
    BOOST_TEST(img.height <= 2000);
    // Up to 17 layers, every one has its panel, as before.
    layers.resize(17);
    BOOST_TEST(plot_weights(fig, "x", "x", nullptr, layers).panels.size() == 17u);
}

BOOST_AUTO_TEST_CASE(huge_and_non_finite_values_through_ranges_and_ticks) {
    const double big = std::numeric_limits<double>::max(), inf = INFINITY;
    const Range r = finite_range({-big, big, NAN, inf});
    BOOST_TEST(std::isfinite(r.lo));
    BOOST_TEST(std::isfinite(r.hi));
    BOOST_TEST(r.hi > r.lo);
    BOOST_TEST(std::isfinite(r.hi - r.lo));
    const std::vector<double> ticks = nice_ticks(r, 8);
    BOOST_TEST(!ticks.empty());
    BOOST_TEST(all_finite(ticks));
    const Range p = positive_range({4.9e-324, big});
    BOOST_TEST(p.lo > 0.0);
    BOOST_TEST(std::isfinite(p.hi));
    const std::vector<double> lt = log_ticks(p, 6);
    BOOST_TEST(!lt.empty());
    BOOST_TEST(lt.size() < 100u);
    BOOST_TEST(all_finite(lt));
    BOOST_TEST(log_ticks({1.0, inf}, 6).empty());
    // ticks for [1e-45, 3e38], on a linear and a log axis
    const Range wide{1e-45, 3e38};
    for (double t : nice_ticks(wide, 8)) BOOST_TEST((std::isfinite(t) && t >= 0 && t <= 3e38));
    const std::vector<double> wl = log_ticks(wide, 6);
    BOOST_TEST(wl.size() >= 3u);
    for (double t : wl) BOOST_TEST((t >= 1e-45 && t <= 3e38));
    for (double t : wl) BOOST_TEST((contains(log_tick_label(t), "10") || log_tick_label(t) == "1"), log_tick_label(t));
    BOOST_TEST(log_tick_label(0.0) == "0");
    BOOST_TEST(log_tick_label(-5.0) == "\xE2\x88\x92" "5");
    BOOST_TEST(!log_tick_label(NAN).empty());
    BOOST_TEST(!tick_label(0.5, NAN).empty());
    BOOST_TEST(!tick_label(NAN, 0.1).empty());
    BOOST_TEST(!tick_label(1e300, 1e299).empty());
}

BOOST_AUTO_TEST_CASE(huge_and_non_finite_values_through_axes_and_canvas) {
    const double big = std::numeric_limits<double>::max(), inf = INFINITY;
    const Font font = Font::load("builtin");
    Canvas canvas(600, 400, palette::kWhite);
    // Ranges that are degenerate, overflowing or not finite at all.
    const Range ranges[] = {{-big, big}, {0.0, 0.0}, {-inf, inf}, {NAN, NAN}, {1e-45, 3e38}, {5.0, -5.0}};
    for (const Range& x : ranges)
        for (const Range& y : ranges) {
            Axes ax(canvas, font, {80, 40, 480, 300}, x, y);
            const std::vector<double> v = {-big, -1e38, 0.0, 1e38, big, NAN, inf, -inf};
            ax.line(v, v, palette::kBlue, "line");
            ax.scatter(v, {1.0, 2.0, NAN, inf, -big, big, 0.0, 1e300}, palette::kVermillion, Marker::Square, "points");
            ax.bars(-big, big, v, palette::kBlue, "bars");
            ax.bars(NAN, inf, {1.0, 2.0}, palette::kBlue, "");
            ax.vline(1e300, palette::kAxis);
            ax.vline(NAN, palette::kAxis);
            ax.vspan(-inf, inf, palette::kGrid, 0.3);
            ax.vspan(NAN, 1.0, palette::kGrid, 0.3);
            ax.annotate({1e308, -1e308}, {5, 5}, "far", palette::kText);
            ax.legend();
            ax.finish({"title", "x", "y"});
            Axes log_ax(canvas, font, {80, 40, 480, 300}, x, {1e-320, big}, Scale::Log);
            log_ax.line(v, v, palette::kBlue, "log");
            log_ax.finish({"", "", ""});
        }
    // Primitives at NaN, infinite and huge positions draw nothing and never convert them to int.
    Canvas blank(100, 100, palette::kWhite);
    blank.fill_rect({NAN, 10, 20, 20}, palette::kBlack);
    blank.fill_rect({1e300, -1e300, 1e300, 1e300}, palette::kBlack);
    blank.line({NAN, 0}, {50, 50}, palette::kBlack, 2.0);
    blank.line({-1e300, 1e12}, {-1e300, 1e12}, palette::kBlack, 2.0);
    blank.marker({NAN, NAN}, Marker::Circle, 4.0, palette::kBlack);
    blank.marker({1e12, -1e12}, Marker::Diamond, 4.0, palette::kBlack);
    blank.set_clip({NAN, NAN, NAN, NAN});
    blank.fill_rect({0, 0, 100, 100}, palette::kBlack);
    blank.reset_clip();
    const Rect box = draw_text(blank, font, "nowhere", {NAN, 50}, TextStyle{});
    BOOST_TEST(box.width == 0.0);
    draw_text(blank, font, "far away", {1e300, -1e300}, TextStyle{});
    const std::vector<std::uint8_t>& px = blank.rgb();
    BOOST_TEST(std::all_of(px.begin(), px.end(), [](std::uint8_t c) { return c == 255; }));
}

BOOST_AUTO_TEST_CASE(histogram_of_huge_and_non_finite_weights) {
    TempDir dir;
    FigureOptions fig;
    fig.out_dir = dir.path();
    fig.font = "builtin";
    LayerWeights L{"fc1.weight", 4, 4, {1e38f, -1e38f, NAN, INFINITY, -INFINITY, 3.4e38f, 0.1f, -0.1f,
                                        1e-45f, -1e-45f, 0.0f, 2.0f, NAN, 1e38f, -3.4e38f, 5.0f}};
    LayerWeights M{"fc2.weight", 4, 2, {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN}};
    const InitSpec spec = parse_init("orthogonal:gain=3.4e38");
    const FigureFile f = plot_weights(fig, "huge", "huge", &spec, {L, M});
    BOOST_TEST(f.panels.size() == 2u);
    for (const Frame& p : f.panels) {
        BOOST_TEST((std::isfinite(p.x.lo) && std::isfinite(p.x.hi) && p.x.hi > p.x.lo));
        BOOST_TEST((std::isfinite(p.y.lo) && std::isfinite(p.y.hi) && p.y.hi > p.y.lo));
    }
    BOOST_TEST(decode_png(f.path).width == 1000);
}

BOOST_AUTO_TEST_SUITE_END()
