// test_figures.cpp - the PNG figures, read back with stb_image and checked pixel by pixel:
// size, background, where the curves run, legend colours, tick labels, a histogram's peak,
// NaN tolerance, the built-in font, atomic writes, and `wi plot` / `--plots` as a user runs them.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "init/init.h"
#include "report/figures.h"
#include "report/png.h"
#include "report/text.h"
#include "report/ticks.h"
#include "core/rng.h"
#include "test_png.h"
#include "test_util.h"

namespace wi {
// Boost.Test prints the values of a failed comparison.
std::ostream& operator<<(std::ostream& os, Color c) { return os << "rgb(" << int(c.r) << "," << int(c.g) << "," << int(c.b) << ")"; }
}  // namespace wi

using namespace wi;
using namespace wi_test;

namespace {

// A colour channel within this much of the expected value counts as "that colour": anti-aliased
// edges blend with what is under them, but a line's or marker's core keeps its colour to within
// rounding, and the palette colours are at least ~60 apart in some channel.
constexpr int kColourTolerance = 12;

bool near(Color a, Color b, int tol = kColourTolerance) {
    return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol && std::abs(a.b - b.b) <= tol;
}

bool dark(Color c) { return c.r < 100 && c.g < 100 && c.b < 100; }

// Pixels in [x0, x1) x [y0, y1) that are not plain white.
int ink(const Png& img, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y)
        for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x) n += img.at(x, y) != palette::kWhite;
    return n;
}

bool has_colour(const Png& img, Color c) {
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x)
            if (img.at(x, y) == c) return true;
    return false;
}

// A pixel of colour c within r pixels of (x, y)?
bool colour_near(const Png& img, double x, double y, Color c, int r, int tol = kColourTolerance) {
    for (int dy = -r; dy <= r; ++dy)
        for (int dx = -r; dx <= r; ++dx) {
            const int px = static_cast<int>(std::floor(x)) + dx, py = static_cast<int>(std::floor(y)) + dy;
            if (px >= 0 && py >= 0 && px < img.width && py < img.height && near(img.at(px, py), c, tol)) return true;
        }
    return false;
}

// Tick labels: something is written under the x axis and left of the y axis of a panel.
void check_tick_labels(const Png& img, const Frame& f) {
    const Rect& r = f.px;
    const int below = ink(img, static_cast<int>(r.left), static_cast<int>(r.bottom()) + 8,
                          static_cast<int>(r.right()), static_cast<int>(r.bottom()) + 24);
    const int left = ink(img, static_cast<int>(r.left) - 50, static_cast<int>(r.top), static_cast<int>(r.left) - 8,
                         static_cast<int>(r.bottom()));
    // A handful of labels, each some tens of glyph pixels: 40 is far below what any font writes.
    BOOST_TEST(below > 40);
    BOOST_TEST(left > 40);
}

std::vector<InitChoice> notebook_inits() {
    std::vector<InitChoice> inits;
    for (const char* name : {"kaiming_normal", "randn", "xavier_normal"}) inits.push_back({name, parse_init(name)});
    return inits;
}

FigureOptions options(const TempDir& dir, const std::string& font = "") {
    FigureOptions fig;
    fig.out_dir = dir.path();
    fig.font = font;
    return fig;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(figures)

BOOST_AUTO_TEST_CASE(nice_ticks_are_1_2_5_times_a_power_of_ten) {
    BOOST_TEST(nice_step(10.0, 5) == 2.0);
    BOOST_TEST(nice_step(1.1, 5) == 0.2);
    BOOST_TEST(nice_step(6000.0, 4) == 2000.0);
    BOOST_TEST(nice_step(0.4, 4) == 0.1, boost::test_tools::tolerance(1e-12));
    const std::vector<double> t = nice_ticks({-5.5, 5.5}, 8);
    BOOST_TEST_REQUIRE(t.size() == 11u);  // -5 ... 5 by 1
    BOOST_TEST(t.front() == -5.0);
    BOOST_TEST(tick_label(0.2, 0.2) == "0.2");
    BOOST_TEST(tick_label(-0.15, 0.05) == "\xE2\x88\x92" "0.15");  // a typographic minus
    BOOST_TEST(tick_label(1e-17, 0.1) == "0.0");                    // zero, not rounding noise
    BOOST_TEST(log_tick_label(1e-3) == "10\xE2\x81\xBB\xC2\xB3");  // 10⁻³
    BOOST_TEST(log_ticks({0.5, 2e5}, 6).size() == 6u);            // 1, 10, ..., 10^5
}

BOOST_AUTO_TEST_CASE(sigmoid_curve_runs_through_the_middle_and_rises) {
    TempDir dir;
    // No samples: the curve alone, black on white.
    const FigureFile f = plot_sigmoid_inits(options(dir), {}, 784, 32, 1);
    const Png img = decode_png(f.path);
    BOOST_TEST(img.width == 1000);
    BOOST_TEST(img.height == 700);
    BOOST_TEST(img.at(3, 3) == palette::kWhite);
    const Frame& fr = f.panels.at(0);
    BOOST_TEST(colour_near(img, fr.to_px(0.0), fr.to_py(0.5), palette::kBlack, 1, 60), "no curve at (0, 0.5)");
    // Monotone: column by column, the curve's centre row only moves up (smaller y) left to right.
    // The curve is followed from where it starts, looking within a few pixels of the last column's
    // row, so the legend's text elsewhere in the panel is not mistaken for it.
    constexpr int kFollow = 6;  // the steepest part rises ~2.5 px per column; a line is ~3 px thick
    double last = fr.to_py(1.0 / (1.0 + std::exp(4.9)));
    int columns = 0;
    for (int x = static_cast<int>(fr.to_px(-4.9)); x <= static_cast<int>(fr.to_px(4.9)); ++x) {
        double sum = 0;
        int n = 0;
        for (int y = static_cast<int>(last) - kFollow; y <= static_cast<int>(last) + kFollow; ++y)
            if (dark(img.at(x, y))) sum += y, ++n;
        BOOST_TEST_REQUIRE(n > 0, "the curve is lost at column " << x);
        const double row = sum / n;
        BOOST_TEST(row <= last + 1.0, "curve goes down at column " << x);  // 1 px: anti-aliasing jitter
        last = row;
        ++columns;
    }
    BOOST_TEST(columns > 700);  // the whole curve, x from -4.9 to 4.9
    BOOST_TEST(last < fr.to_py(0.99));  // it ends at the top
    check_tick_labels(img, fr);
}

BOOST_AUTO_TEST_CASE(sigmoid_inits_legend_colours_and_lanes) {
    TempDir dir;
    const FigureFile f = plot_sigmoid_inits(options(dir), notebook_inits(), 784, 32, 1);
    const Png img = decode_png(f.path);
    BOOST_TEST(img.width == 1000);
    BOOST_TEST(img.height == 700);
    for (int k = 0; k < 3; ++k) BOOST_TEST(has_colour(img, palette::series(k)), "legend colour " << k << " missing");
    // The strip: each init's lane holds its colour near x = 0 (every law here has most mass there).
    const Frame& strip = f.panels.at(1);
    for (int k = 0; k < 3; ++k) {
        const double lane = 2 - k;
        BOOST_TEST(colour_near(img, strip.to_px(0.0), strip.to_py(lane), palette::series(k), 12, 100), "lane " << k);
    }
    check_tick_labels(img, f.panels.at(0));
    check_tick_labels(img, strip);
    // Same inputs, same bytes (the README's copies do not churn).
    const std::string first = read_file(f.path);
    plot_sigmoid_inits(options(dir), notebook_inits(), 784, 32, 1);
    BOOST_TEST((read_file(f.path) == first));
}

BOOST_AUTO_TEST_CASE(sigmoid_grad_marks_the_peak) {
    TempDir dir;
    const FigureFile f = plot_sigmoid_grad(options(dir));
    const Png img = decode_png(f.path);
    const Frame& fr = f.panels.at(0);
    BOOST_TEST(colour_near(img, fr.to_px(0.0), fr.to_py(0.5), palette::kBlue, 2), "sigma misses (0, 0.5)");
    BOOST_TEST(colour_near(img, fr.to_px(0.0), fr.to_py(0.25), palette::kBlack, 2), "no peak marker at (0, 0.25)");
    BOOST_TEST(colour_near(img, fr.to_px(2.0), fr.to_py(0.25 / std::cosh(1.0) / std::cosh(1.0)), palette::kVermillion, 2));
    check_tick_labels(img, fr);
}

BOOST_AUTO_TEST_CASE(builtin_font_keeps_the_text) {
    // Forced, and as the fallback for a font file that is not there.
    BOOST_TEST(!Font::load("builtin").is_truetype());
    BOOST_TEST(!Font::load("/nonexistent/font.ttf").is_truetype());
    for (const char* font : {"builtin", "/nonexistent/font.ttf"}) {
        TempDir dir;
        const FigureFile f = plot_sigmoid_grad(options(dir, font));
        const Png img = decode_png(f.path);
        check_tick_labels(img, f.panels.at(0));
        const Rect& r = f.panels.at(0).px;
        BOOST_TEST(ink(img, static_cast<int>(r.left), 0, static_cast<int>(r.right()), static_cast<int>(r.top) - 4) > 200);  // title
    }
    const TextMask m = Font::load("builtin").render("x = 0.25", 15);
    BOOST_TEST(m.width > 40);
    int covered = 0;
    for (unsigned char a : m.alpha) covered += a > 0;
    BOOST_TEST(covered > 30);
}

BOOST_AUTO_TEST_CASE(histogram_of_normal_samples_peaks_at_zero) {
    constexpr double kStd = 0.05;
    constexpr int kCount = 200000;
    Rng rng(7);
    LayerWeights L{"fc1.weight", 784, 32, {}};
    for (int i = 0; i < kCount; ++i) L.w.push_back(static_cast<float>(rng.normal(0.0, kStd)));
    const InitSpec spec = parse_init("normal:std=0.05");
    TempDir dir;
    const FigureFile f = plot_weights(options(dir), "normal", "normal", &spec, {L});
    const Png img = decode_png(f.path);
    const Frame& fr = f.panels.at(0);
    // The bars' fill is the series blue at 45 % over white; find the tallest column of it
    // within +-1.5 sigma of 0 (the legend sits in a corner, outside that band).
    const Color fill{140, 192, 220};
    int best_x = -1, best_top = 1 << 30;
    for (int x = static_cast<int>(fr.to_px(-1.5 * kStd)); x <= static_cast<int>(fr.to_px(1.5 * kStd)); ++x)
        for (int y = static_cast<int>(fr.px.top); y < static_cast<int>(fr.px.bottom()); ++y)
            if (near(img.at(x, y), fill, 20)) {
                if (y < best_top) best_top = y, best_x = x;
                break;
            }
    BOOST_TEST_REQUIRE(best_x >= 0, "no histogram bars found");
    // Within 0.3 sigma: the neighbouring bins of the top one differ by ~1 % in height, which
    // sampling noise (~0.7 % at 200,000 samples) can reorder, but not by more than a couple of bins.
    const double tolerance_px = 0.3 * kStd / (fr.x.hi - fr.x.lo) * fr.px.width;
    BOOST_TEST(std::abs(best_x - fr.to_px(0.0)) <= tolerance_px, "peak at column " << best_x << ", 0 is at " << fr.to_px(0.0));
    // The law's density is drawn over the bars.
    BOOST_TEST(colour_near(img, fr.to_px(0.0), fr.to_py(1.0 / (kStd * std::sqrt(2 * M_PI))), palette::kVermillion, 3));
}

BOOST_AUTO_TEST_CASE(nan_and_inf_are_left_out_and_said) {
    TrainingCurves c;
    for (int i = 0; i < 300; ++i) {
        c.step_loss.push_back(2.3 - i * 0.001);
        c.step_accuracy.push_back(0.1 + i * 0.001);
    }
    c.step_loss[150] = NAN;
    c.step_loss.push_back(INFINITY);
    c.step_accuracy.push_back(NAN);
    c.epochs.push_back({150, true, 1.9, 0.5});
    c.epochs.push_back({301, false, 0, 0});
    c.diverged_step = 301;
    TempDir dir;
    const FigureFile f = plot_training(options(dir), "test", "test", c);
    const Png img = decode_png(f.path);
    BOOST_TEST(img.width == 1000);
    const Frame& loss = f.panels.at(0);
    // The note box's left bar is solid vermillion, at the panel's top left.
    BOOST_TEST(near(img.at(static_cast<int>(loss.px.left) + 11, static_cast<int>(loss.px.top) + 15), palette::kVermillion, 2));
    // the finite part: at step 50, the mean of the last 10 steps (window 301 / 30) is 2.3 - 0.001 * 44.5
    BOOST_TEST(colour_near(img, loss.to_px(50), loss.to_py(2.3 - 0.001 * 44.5), palette::kBlue, 2, 40));
    check_tick_labels(img, loss);

    // Nothing finite at all: still a figure, still no crash.
    TrainingCurves bad;
    bad.step_loss = {NAN, NAN};
    bad.step_accuracy = {NAN, INFINITY};
    const FigureFile g = plot_training(options(dir), "bad", "bad", bad);
    BOOST_TEST(decode_png(g.path).width == 1000);
    LayerWeights L{"fc1.weight", 2, 2, {NAN, INFINITY, 1.0f, -1.0f}};
    const FigureFile h = plot_weights(options(dir), "loaded", "loaded", nullptr, {L});
    BOOST_TEST(decode_png(h.path).height == 700);
}

BOOST_AUTO_TEST_CASE(png_writes_are_atomic) {
    TempDir dir;
    plot_sigmoid_grad(options(dir));
    plot_sigmoid_grad(options(dir));  // over an existing file
    BOOST_TEST(count_files(dir.path()) == 1);  // sigmoid_grad.png and no temporary file
    Canvas small(4, 3, palette::kWhite);
    BOOST_CHECK_THROW(write_png(dir / "missing/sub/x.png", small), Error);
    BOOST_TEST(count_files(dir.path()) == 1);
    const std::string png = encode_png(small);
    BOOST_TEST(png.substr(1, 3) == "PNG");
}

BOOST_AUTO_TEST_CASE(wi_plot_needs_no_data) {
    TempDir dir;
    // --data names nothing that exists: `wi plot` must not look.
    const RunResult a = run_wi("plot sigmoid --out '" + dir.path() + "' --data /nonexistent");
    BOOST_TEST_REQUIRE(a.status == 0, a.err);
    BOOST_TEST(a.out == "wrote " + (dir / "sigmoid_inits.png") + "\n");
    BOOST_TEST(decode_png(dir / "sigmoid_inits.png").width == 1000);
    const RunResult b = run_wi("plot sigmoid-grad --out '" + dir.path() + "'");
    BOOST_TEST_REQUIRE(b.status == 0, b.err);
    BOOST_TEST(decode_png(dir / "sigmoid_grad.png").height == 700);
    const RunResult c = run_wi("plot sigmoid --inits xavier,kaiming_normal:mode=fan_out,nonlinearity=relu,zeros "
                               "--fan-in 100 --fan-out 10 --out '" + dir.path() + "'");
    BOOST_TEST(c.status == 0, c.err);
    // The built-in font through the environment, as a user without fonts would get it.
    const RunResult d = run_wi("plot sigmoid-grad --out '" + dir.path() + "/builtin'", "WI_FONT=builtin");
    BOOST_TEST_REQUIRE(d.status == 0, d.err);
    TempDir scratch;  // the panel's place, from the library (same layout, any font)
    check_tick_labels(decode_png(dir / "builtin/sigmoid_grad.png"), plot_sigmoid_grad(options(scratch, "builtin")).panels.at(0));
    if (Font::load("").is_truetype())  // a TrueType font is installed: the two must differ
        BOOST_TEST((read_file(dir / "builtin/sigmoid_grad.png") != read_file(dir / "sigmoid_grad.png")));
    BOOST_TEST(count_files(dir.path()) == 3);  // two figures and the builtin directory
}

BOOST_AUTO_TEST_CASE(plot_usage_errors_exit_2_naming_the_flag) {
    TempDir dir;
    const std::string out = " --out '" + dir.path() + "'";
    const struct {
        std::string args, flag;
    } cases[] = {
        {"plot", "plot"},
        {"plot cosine", "plot"},
        {"plot sigmoid --inits bogus", "--inits"},
        {"plot sigmoid --inits xavier,,zeros", "--inits"},
        {"plot sigmoid --fan-in 0", "--fan-in"},
        {"plot sigmoid --fan-out x", "--fan-out"},
        {"plot sigmoid --fan-in 65536 --fan-out 65536", "--fan-in"},
        {"plot sigmoid-grad --inits xavier", "--inits"},
        {"--fan-in 10 --epochs 0", "--fan-in"},
        {"plot sigmoid --plots", "--plots"},
    };
    for (const auto& c : cases) {
        const RunResult r = run_wi(c.args + out);
        BOOST_TEST(r.status == 2, c.args);
        BOOST_TEST(r.out.empty(), c.args);
        BOOST_TEST(contains(r.err, c.flag), c.args << ": " << r.err);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, c.args);
    }
    BOOST_TEST(count_files(dir.path()) == 0);
}

BOOST_AUTO_TEST_CASE(unwritable_out_fails_before_training) {
    TempDir dir;
    write_file(dir / "file", "x");
    const RunResult r = run_wi("--plots --epochs 1 --out '" + (dir / "file/sub") + "' --data '" + sample_dir() + "'");
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty(), "output before the check: " << r.out);
    BOOST_TEST(contains(r.err, "--out"));
    const RunResult p = run_wi("plot sigmoid --out '" + (dir / "file") + "'");
    BOOST_TEST(p.status == 2);
    BOOST_TEST(contains(p.err, "--out"));
}

BOOST_AUTO_TEST_CASE(plots_after_training) {
    TempDir dir;
    const RunResult r = run_wi("--init xavier --epochs 1 -q --plots --out '" + dir.path() + "' --data '" + sample_dir() + "'");
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "wrote " + (dir / "training_xavier.png")));
    BOOST_TEST(contains(r.out, "wrote " + (dir / "weights_xavier.png")));
    for (const char* name : {"training_xavier.png", "weights_xavier.png"}) {
        const Png img = decode_png(dir / name);
        BOOST_TEST(img.width == 1000);
        BOOST_TEST(img.height == 700);
        BOOST_TEST(img.at(2, 2) == palette::kWhite);
    }
    // A run that diverges still gets its figures.
    const RunResult u = run_wi("--init unusual --epochs 1 -q --plots --out '" + dir.path() + "' --data '" + sample_dir() + "'");
    BOOST_TEST_REQUIRE(u.status == 0, u.err);
    BOOST_TEST(decode_png(dir / "training_unusual.png").width == 1000);
    BOOST_TEST(count_files(dir.path()) == 4);  // the four figures, no temporary files
}

BOOST_AUTO_TEST_SUITE_END()
