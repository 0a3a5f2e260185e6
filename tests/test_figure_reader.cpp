// test_figure_reader.cpp - what a reader of the figures sees: legends and value labels off the
// data, panels that are not blank, point masses drawn where they are, the built-in font's own
// symbols, and the PNG sizes the README states. Boxes and data pixels come from the panels'
// frames (what the axes recorded while drawing); colours come from the PNG itself.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "init/init.h"
#include "report/experiment_figures.h"
#include "report/figures.h"
#include "report/text.h"
#include "report/ticks.h"
#include "core/rng.h"
#include "test_png.h"
#include "test_util.h"

using namespace wi;
using namespace wi_test;

namespace {

FigureOptions options(const TempDir& dir, const std::string& font = "") {
    FigureOptions fig;
    fig.out_dir = dir.path();
    fig.font = font;
    return fig;
}

bool inside(const Rect& r, const Point& p) { return p.x >= r.left && p.x <= r.right() && p.y >= r.top && p.y <= r.bottom(); }

long data_under(const Frame& f, const Rect& r) {
    return std::count_if(f.data.begin(), f.data.end(), [&r](const Point& p) { return inside(r, p); });
}

// Colours inside a panel other than white and the grid's grey: data, legends and notes.
std::size_t colours_in(const Png& png, const Rect& r) {
    std::set<std::tuple<int, int, int>> seen;
    for (int y = static_cast<int>(r.top) + 1; y < static_cast<int>(r.bottom()) - 1; ++y)
        for (int x = static_cast<int>(r.left) + 1; x < static_cast<int>(r.right()) - 1; ++x) {
            const Color c = png.at(x, y);
            if (c != palette::kWhite && c != palette::kGrid) seen.insert({c.r, c.g, c.b});
        }
    return seen.size();
}

// A training run as the trainer reports it: a noisy falling loss, 3 epochs of 2,000 steps.
TrainingCurves sample_curves() {
    TrainingCurves c;
    Rng rng(7);
    for (int i = 0; i < 6000; ++i) {
        const double base = 0.4 + 1.9 * std::exp(-i / 600.0);
        c.step_loss.push_back(base * (1.0 + 0.3 * rng.uniform(-1.0, 1.0)));
        c.step_accuracy.push_back(std::min(1.0, std::max(0.0, 0.9 - 0.8 * std::exp(-i / 500.0) + 0.1 * rng.uniform(-1.0, 1.0))));
    }
    for (int e = 1; e <= 3; ++e) {
        TrainingCurves::EpochEnd end;
        end.step = 2000L * e;
        end.has_test = true;
        end.test_loss = 0.4 + 1.9 * std::exp(-end.step / 600.0);
        end.test_accuracy = 0.9 - 0.8 * std::exp(-end.step / 500.0);
        c.epochs.push_back(end);
    }
    c.caption = "784-32-32-10, batch 4, SGD lr 0.001, seed 1";
    return c;
}

std::vector<LayerWeights> layers_of(int count, float (*value)(Rng&, int)) {
    std::vector<LayerWeights> layers;
    Rng rng(3);
    for (int l = 0; l < count; ++l) {
        LayerWeights L{"fc" + std::to_string(l + 1) + ".weight", 32, 32, {}};
        for (int i = 0; i < 32 * 32; ++i) L.w.push_back(value(rng, i));
        layers.push_back(L);
    }
    return layers;
}

float normal_weight(Rng& rng, int) { return static_cast<float>(0.1 * rng.normal()); }
float constant_weight(Rng&, int) { return 0.5f; }
// Half tiny values about 0.3 (a point mass to the eye), half a wide normal: "unusual" moved off 0.
float mixed_weight(Rng& rng, int i) {
    return i % 2 ? static_cast<float>(0.3 + 1e-8 * rng.normal()) : static_cast<float>(100.0 * rng.normal());
}

// The longest vertical run of pixels of colour c in the columns [x - 1, x + 1] of the frame.
int vertical_run(const Png& png, const Rect& f, double x, Color c) {
    int best = 0;
    for (int px = static_cast<int>(x) - 1; px <= static_cast<int>(x) + 1; ++px) {
        int run = 0;
        for (int y = static_cast<int>(f.top); y < static_cast<int>(f.bottom()); ++y) {
            run = png.at(px, y) == c ? run + 1 : 0;
            best = std::max(best, run);
        }
    }
    return best;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(figure_reader)

BOOST_AUTO_TEST_CASE(training_labels_and_legend_keep_off_the_curves) {
    TempDir dir;
    for (const std::string font : {"", "builtin"}) {
        const FigureFile f = plot_training(options(dir, font), "xavier", "xavier", sample_curves());
        BOOST_TEST_REQUIRE(f.panels.size() == 2u);
        for (const Frame& fr : f.panels) {
            BOOST_TEST(fr.labels.size() == 3u, "a value label per epoch");
            for (const Rect& l : fr.labels) BOOST_TEST(data_under(fr, l) == 0, "a value label on the curve, font " << font);
            BOOST_TEST(fr.legend.width > 0);
            BOOST_TEST(data_under(fr, fr.legend) == 0, "the legend covers the curve, font " << font);
        }
    }
}

BOOST_AUTO_TEST_CASE(training_mean_starts_with_a_full_window_and_a_diverged_run_stops_before_it) {
    TempDir dir;
    const FigureFile f = plot_training(options(dir), "xavier", "xavier", sample_curves());
    // 6,000 steps: a window of 200; the first point drawn is step 200's, at its pixel column.
    const Frame& loss = f.panels.at(0);
    double first = 1e9;
    for (const Point& p : loss.data) first = std::min(first, p.x);
    BOOST_TEST(std::abs(first - loss.to_px(200.0)) < 1.5, "the mean is drawn from step " << first);

    TrainingCurves d;
    d.step_loss = {2.3, 1e5, 1e12, NAN};
    d.step_accuracy = {0.25, 0.0, 0.0, 0.0};
    d.diverged_step = 4;
    const FigureFile g = plot_training(options(dir), "unusual", "unusual", d);
    for (const Frame& fr : g.panels) {
        double last = -1e9;
        for (const Point& p : fr.data) last = std::max(last, p.x);
        BOOST_TEST(last < fr.to_px(3.0) + 1.5, "a point past the last measured step, at x = " << last);
    }
}

BOOST_AUTO_TEST_CASE(every_panel_is_drawn_on) {
    TempDir dir;
    std::vector<FigureFile> files = {plot_training(options(dir), "xavier", "xavier", sample_curves()),
                                     plot_weights(options(dir), "w", "w", nullptr, layers_of(3, normal_weight)),
                                     plot_weights(options(dir), "c", "c", nullptr, layers_of(3, constant_weight)),
                                     plot_sigmoid_grad(options(dir))};
    std::vector<InitChoice> inits;
    for (const char* name : {"kaiming_normal", "randn", "xavier_normal"}) inits.push_back({name, parse_init(name)});
    files.push_back(plot_sigmoid_inits(options(dir), inits, 784, 32, 1));
    for (const FigureFile& f : files) {
        const Png png = decode_png(f.path);
        for (const Frame& fr : f.panels) BOOST_TEST(colours_in(png, fr.px) > 1u, f.path << ": a blank panel");
    }
}

BOOST_AUTO_TEST_CASE(point_masses_are_stems_at_their_value) {
    TempDir dir;
    // All weights 0.5: a stem at 0.5 reaching the share 1 (most of the frame), nothing else blue.
    const FigureFile c = plot_weights(options(dir), "constant", "constant", nullptr, layers_of(1, constant_weight));
    const Png pc = decode_png(c.path);
    const Frame& fc = c.panels.at(0);
    const int at_value = vertical_run(pc, fc.px, fc.to_px(0.5), palette::kBlue);
    BOOST_TEST(at_value > fc.px.height * 0.5, "stem at 0.5: " << at_value << " px");
    BOOST_TEST(vertical_run(pc, fc.px, fc.to_px(0.5) - 30, palette::kBlue) == 0, "blue beside the stem");
    BOOST_TEST(fc.y.lo == 0.0);
    BOOST_TEST(fc.to_py(1.0) > fc.px.top, "the share 1 lies within the frame");

    // Half the weights within 1e-8 of 0.3, half spread over hundreds: a stem at 0.3 itself.
    const FigureFile m = plot_weights(options(dir), "mixed", "mixed", nullptr, layers_of(1, mixed_weight));
    const Png pm = decode_png(m.path);
    const Frame& fm = m.panels.at(0);
    BOOST_TEST(vertical_run(pm, fm.px, fm.to_px(0.3), palette::kBlue) > 40, "no stem at 0.3");
}

BOOST_AUTO_TEST_CASE(experiment_legends_find_room_off_the_data) {
    // Four lines across the whole panel at every height: no corner is free until the legend gets room.
    PlotPanel p{"layers", "step", "activation", false, 0.0, 1.0, {}, {}};
    for (int l = 0; l < 4; ++l) {
        PlotSeries s{"layer " + std::to_string(l + 1), {}, {}, {}, l, false, false, 2.0};
        for (int i = 0; i <= 200; ++i) s.x.push_back(i), s.y.push_back(0.05 + 0.3 * l + 0.02 * std::sin(i / 7.0));
        p.series.push_back(s);
    }
    PlotSeries ref{"chance", {0.0, 200.0}, {0.35, 0.35}, {}, 6, false, true, 1.5, true};
    p.series.push_back(ref);
    TempDir dir;
    const FigureFile f = plot_panels(options(dir), "crowded.png", "crowded", "", {p, p}, 2);
    for (const Frame& fr : f.panels) {
        BOOST_TEST(fr.legend.width > 0);
        BOOST_TEST(data_under(fr, fr.legend) == 0, "the legend covers data");
    }
    // Panels of one y group share their y range.
    PlotPanel a = p, b = p;
    a.y_group = b.y_group = 1;
    a.y_lo = a.y_hi = b.y_lo = b.y_hi = 0.0;
    for (double& y : b.series[0].y) y -= 2.0;
    const FigureFile g = plot_panels(options(dir), "grouped.png", "grouped", "", {a, b}, 2);
    BOOST_TEST(g.panels[0].y.lo == g.panels[1].y.lo);
    BOOST_TEST(g.panels[0].y.hi == g.panels[1].y.hi);
    // The reference line is drawn under the data: on a data line at the same height, only the data shows.
    PlotPanel same{"same", "step", "loss", false, 0.0, 1.0, {}, {}};
    same.series.push_back({"data", {0.0, 200.0}, {0.5, 0.5}, {}, 0, false, false, 2.0});
    same.series.push_back({"chance", {0.0, 200.0}, {0.5, 0.5}, {}, 6, false, true, 1.5, true});
    const FigureFile h = plot_panels(options(dir), "same.png", "same", "", {same}, 1);
    const Png png = decode_png(h.path);
    const Frame& fr = h.panels[0];
    const int row = static_cast<int>(fr.to_py(0.5));
    int reference_shows = 0, data_shows = 0;
    for (int x = static_cast<int>(fr.px.left) + 5; x < static_cast<int>(fr.px.right()) - 5; ++x) {
        const Color c = png.at(x, row);
        if (inside(fr.legend, {static_cast<double>(x), static_cast<double>(row)})) continue;
        reference_shows += c.b < 150 && c.r > 150;  // yellow-ish: the reference's colour
        data_shows += c == palette::series(0);
    }
    BOOST_TEST(reference_shows == 0, "the reference line hides the data at " << reference_shows << " pixels");
    BOOST_TEST(data_shows > 100);
}

BOOST_AUTO_TEST_CASE(log_axes_label_every_decade_alike_and_short_ranges_get_more_labels) {
    BOOST_TEST(log_tick_label(1.0) == "10\xE2\x81\xB0");   // 10⁰, not 1
    BOOST_TEST(log_tick_label(10.0) == "10\xC2\xB9");      // 10¹, not 10
    BOOST_TEST(log_tick_label(2e-5) == "2\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB5");  // 2×10⁻⁵
    // 1.3e-5 .. 4e-4 holds only one power of ten: 2 and 5 x 10^k are labelled too.
    BOOST_TEST(log_ticks({1.3e-5, 4e-4}, 8).size() >= 3u);
    BOOST_TEST(!log_minor_ticks({1.0, 1e5}).empty());
}

BOOST_AUTO_TEST_CASE(builtin_font_draws_its_own_symbols) {
    const Font f = Font::load("builtin");
    BOOST_TEST(!f.is_truetype());
    auto same = [&f](const std::string& a, const std::string& b) {
        const TextMask x = f.render(a, 20), y = f.render(b, 20);
        return x.width == y.width && x.alpha == y.alpha;
    };
    BOOST_TEST(!same("\xCF\x83", "s"));           // σ is not s
    BOOST_TEST(!same("\xC2\xB2", "^2"));          // ² is not ^2
    BOOST_TEST(!same("\xC3\x97", "x"));           // × is not x
    BOOST_TEST(!same("\xE2\x89\x88", "~"));       // ≈ is not ~
    BOOST_TEST(f.width("10\xE2\x81\xBB\xC2\xB3", 20) < f.width("10^-3", 20));  // superscripts are small
    for (const char* s : {"\xCF\x83", "\xC2\xB9", "\xE2\x88\x92", "\xC3\x97", "\xE2\x89\x88", "\xC2\xB1"}) {
        const TextMask m = f.render(s, 20);
        BOOST_TEST(std::count_if(m.alpha.begin(), m.alpha.end(), [](unsigned char a) { return a > 0; }) > 4, s);
    }
}

BOOST_AUTO_TEST_CASE(sigma_table_columns_keep_apart_in_every_font) {
    TempDir dir;
    const InitSpec spec = parse_init("unusual");
    for (const std::string font : {"", "builtin"}) {
        const FigureFile f = plot_weights(options(dir, font), "unusual", "unusual", &spec, layers_of(3, mixed_weight));
        BOOST_TEST_REQUIRE(f.table.size() == 20u, "a header and 3 rows of 5 cells");
        for (std::size_t i = 0; i < f.table.size(); ++i) {
            if (i % 5 == 4) continue;  // the last column
            const Rect &a = f.table[i], &b = f.table[i + 1];
            BOOST_TEST(b.left - a.right() >= 6.0, "font '" << font << "': cell " << i << " touches the next (gap "
                                                            << b.left - a.right() << " px)");
        }
    }
}

BOOST_AUTO_TEST_CASE(readme_states_the_sizes_written) {
    TempDir dir;
    auto size_of = [](const FigureFile& f) {
        const Png p = decode_png(f.path);
        return std::to_string(p.width) + "\xC3\x97" + std::to_string(p.height);
    };
    std::vector<InitChoice> inits = {{"xavier_normal", parse_init("xavier_normal")}};
    const std::string small = size_of(plot_sigmoid_inits(options(dir), inits, 784, 32, 1));
    BOOST_TEST(small == "1000\xC3\x97" "700");
    BOOST_TEST(size_of(plot_sigmoid_grad(options(dir))) == small);
    BOOST_TEST(size_of(plot_training(options(dir), "x", "x", sample_curves())) == small);
    BOOST_TEST(readme_says("`sigmoid_inits.png`, `sigmoid_grad.png` and `training_<init>.png` are " + small + " pixels"));
    BOOST_TEST(size_of(plot_weights(options(dir), "w", "w4", nullptr, layers_of(4, normal_weight))) == small);
    BOOST_TEST(size_of(plot_weights(options(dir), "w", "w5", nullptr, layers_of(5, normal_weight))) == "1400\xC3\x97" "700");
    BOOST_TEST(size_of(plot_weights(options(dir), "w", "w7", nullptr, layers_of(7, normal_weight))) == "1400\xC3\x97" "1000");
    BOOST_TEST(readme_says("`weights_<init>.png` is " + small + " up to 4 layers, 1400 wide beyond that and 300 pixels "
                           "taller for each row of three panels past the second (more than 6 layers)"));
    // The experiments: two panels side by side (saxe2014, glorot2010_tanh), four in two columns
    // (glorot2010_sigmoid), three side by side (he2015, lsuv).
    PlotPanel p{"t", "x", "y", false, 0, 0, {{"s", {1, 2, 3}, {1, 2, 3}, {}, 0, true, false, 2.0}}, {}};
    BOOST_TEST(size_of(plot_panels(options(dir), "two.png", "h", "c", {p, p}, 2)) == small);
    BOOST_TEST(size_of(plot_panels(options(dir), "four.png", "h", "c", {p, p, p, p}, 2)) == small);
    BOOST_TEST(size_of(plot_panels(options(dir), "three.png", "h", "c", {p, p, p}, 3)) == "1400\xC3\x97" "700");
    BOOST_TEST(readme_says("`glorot2010_sigmoid.png`, `glorot2010_tanh.png` and `saxe2014.png` are " + small +
                           ", `he2015.png` and `lsuv.png` (three panels side by side) 1400\xC3\x97" "700."));
}

BOOST_AUTO_TEST_SUITE_END()
