// test_experiments.cpp - `wi experiment`: the singular-value solver on hand cases, the trainer's
// on_steps hook, the command's usage errors, and each experiment in --quick form, asserting the
// direction of its paper's claim from the numbers it prints (not only its verdict word).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "data/mnist.h"
#include "core/error.h"
#include "experiment/experiments.h"
#include "experiment/linalg.h"
#include "core/fsutil.h"
#include "test_util.h"
#include "train/trainer.h"

using wi_test::contains;

namespace {

constexpr double kTight = 1e-12;  // a hand case in double: exact up to a few roundings

std::string data_flags() { return " --no-fetch --data '" + wi_test::sample_dir() + "'"; }

// Runs `wi experiment NAME --quick` into a fresh directory; checks the exit status, that the
// verdict line is the last line, and that every named figure was written.
std::string run_quick(const std::string& name, const std::vector<std::string>& figures) {
    wi_test::TempDir out;
    const wi_test::RunResult r = wi_test::run_wi("experiment " + name + " --quick --out '" + out.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(r.status == 0, name << ": " << r.err);
    const std::size_t last = r.out.rfind('\n', r.out.size() - 2);
    BOOST_TEST(r.out.compare(last + 1, name.size() + 2, name + ": ") == 0, "last line:\n" << r.out.substr(last + 1));
    for (const std::string& f : figures) BOOST_TEST(wi::is_file(out / f), f << " was not written");
    return r.out;
}

// The number captured by the first group of `pattern` in text (NaN if it does not match).
double number(const std::string& text, const std::string& pattern, int group = 1) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern))) return NAN;
    return std::stod(m[group].str());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiments)

BOOST_AUTO_TEST_CASE(singular_values_of_hand_cases) {
    using wi::Matrix;
    // A^T A = [[25, 20], [20, 25]]: eigenvalues 45 and 5.
    auto sv = wi::singular_values(Matrix{2, 2, {3, 0, 4, 5}});
    BOOST_TEST(sv.size() == 2u);
    BOOST_TEST(std::abs(sv[0] - std::sqrt(45.0)) < kTight);
    BOOST_TEST(std::abs(sv[1] - std::sqrt(5.0)) < kTight);
    // A diagonal matrix, signs and order shuffled: |d| sorted.
    sv = wi::singular_values(Matrix{3, 3, {0.5, 0, 0, 0, -3, 0, 0, 0, 2}});
    BOOST_TEST((std::abs(sv[0] - 3) < kTight && std::abs(sv[1] - 2) < kTight && std::abs(sv[2] - 0.5) < kTight));
    // A rotation: all 1. A rank-one u v^T (u = (1, 2), v = (2, 0, 1)): |u| |v| = 5, then 0.
    const double c = std::cos(0.3), s = std::sin(0.3);
    sv = wi::singular_values(Matrix{2, 2, {c, -s, s, c}});
    BOOST_TEST((std::abs(sv[0] - 1) < kTight && std::abs(sv[1] - 1) < kTight));
    sv = wi::singular_values(Matrix{2, 3, {2, 0, 1, 4, 0, 2}});
    BOOST_TEST((std::abs(sv[0] - 5) < kTight && std::abs(sv[1]) < kTight));
    // Tall and wide give the same values (A and A^T); the squares sum to the Frobenius norm.
    const Matrix tall{3, 2, {1, 2, 3, 4, 5, 6}}, wide{2, 3, {1, 3, 5, 2, 4, 6}};
    const auto a = wi::singular_values(tall), b = wi::singular_values(wide);
    BOOST_TEST((std::abs(a[0] - b[0]) < kTight && std::abs(a[1] - b[1]) < kTight));
    BOOST_TEST(std::abs(a[0] * a[0] + a[1] * a[1] - 91.0) < 1e-10);
    // matmul: [[1, 2], [3, 4]] [[0, 1], [1, 0]] swaps the columns.
    const Matrix p = wi::matmul(Matrix{2, 2, {1, 2, 3, 4}}, Matrix{2, 2, {0, 1, 1, 0}});
    BOOST_TEST((p.v == std::vector<double>{2, 1, 4, 3}));
}

BOOST_AUTO_TEST_CASE(on_steps_sees_step_zero_then_every_n_and_can_stop_the_run) {
    wi::MnistData data = wi::load_mnist_dir(wi_test::sample_dir(), "sample");
    data.train.count = 400;  // 100 steps of 4 per epoch
    data.test.count = 100;
    wi::Mlp m = wi::make_mlp({784, 8, 10}, wi::Activation::Relu);
    wi::Rng rng(1);
    wi::initialize(m, wi::parse_init("xavier"), wi::BiasPolicy{}, rng);
    wi::TrainOptions opt;
    opt.epochs = 2;
    opt.print = false;
    opt.every_steps = 7;
    std::vector<long> seen;
    opt.on_steps = [&seen](long step, wi::Mlp&) {
        seen.push_back(step);
        return step < 21;  // end the run at step 21
    };
    const wi::TrainReport rep = wi::train(m, data, opt, stdout);
    BOOST_TEST((seen == std::vector<long>{0, 7, 14, 21}));
    BOOST_TEST(rep.step_loss.size() == 21u);
    BOOST_TEST(rep.epochs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(usage_errors_name_the_problem) {
    BOOST_CHECK_THROW(wi::find_experiment("nosuch"), wi::Error);
    const wi_test::RunResult unknown = wi_test::run_wi("experiment nosuch" + data_flags());
    BOOST_TEST(unknown.status == 2);
    BOOST_TEST(unknown.out.empty(), unknown.out);
    BOOST_TEST(contains(unknown.err, "unknown experiment 'nosuch' (valid: " + wi::experiment_names() + ")"), unknown.err);
    const wi_test::RunResult missing = wi_test::run_wi("experiment --quick");
    BOOST_TEST(missing.status == 2);
    for (const wi::Experiment& e : wi::experiments()) BOOST_TEST(contains(missing.err, e.name), missing.err);
    const wi_test::RunResult own = wi_test::run_wi("experiment he2015 --epochs 3");
    BOOST_TEST((own.status == 2 && contains(own.err, "--epochs: not for `wi experiment`")), own.err);
    const wi_test::RunResult quick = wi_test::run_wi("--quick");
    BOOST_TEST((quick.status == 2 && contains(quick.err, "--quick: only for `wi experiment NAME`")), quick.err);
    const wi_test::RunResult help = wi_test::run_wi("--help");
    BOOST_TEST(contains(help.out, "wi experiment NAME [--quick]"));
}

// He et al.: at 30 layers, Xavier's last hidden activations are under 1 % of Kaiming's at init,
// and Kaiming's loss at the end of the run is below Xavier's (which stays near ln 10).
BOOST_AUTO_TEST_CASE(he2015_quick_xavier_vanishes_kaiming_trains) {
    const std::string out = run_quick("he2015", {"he2015.png"});
    // init layers act-std-l1 act-std-top top/l1 2^-(L-2)/2 <0.9ln10-at end-loss test-acc
    const std::string row = R"( +30 +\S+ +(\S+) +\S+ +\S+ +(?:never|step \d+) +(\S+) )";
    const double x_top = number(out, "\nxavier" + row, 1), k_top = number(out, "\nkaiming" + row, 1);
    const double x_loss = number(out, "\nxavier" + row, 2), k_loss = number(out, "\nkaiming" + row, 2);
    BOOST_TEST(x_top < 1e-2 * k_top, out);
    BOOST_TEST(k_loss < x_loss, out);
    BOOST_TEST(x_loss > 0.95 * std::log(10.0), out);
    BOOST_TEST(contains(out, "he2015: reproduced"), out);
}

// Glorot & Bengio: the top sigmoid layer's mean falls to 0.1 in the first epoch while the
// lower ones stay above 0.4; with tanh, the standard init's gradients shrink more towards the
// input than the normalized init's.
BOOST_AUTO_TEST_CASE(glorot2010_quick_top_layer_saturates) {
    const std::string out = run_quick("glorot2010", {"glorot2010_sigmoid.png", "glorot2010_tanh.png"});
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_search(out, m, std::regex(R"(top layer mean ([0-9.]+) -> ([0-9.]+) by step \d+ \(lower layers ([0-9. /]+)\))")), out);
    BOOST_TEST(std::stod(m[1].str()) > 0.4);
    BOOST_TEST(std::stod(m[2].str()) <= 0.1);
    const std::string lower = m[3].str();
    const std::regex value(R"([0-9.]+)");
    for (std::sregex_iterator it(lower.begin(), lower.end(), value), end; it != end; ++it)
        BOOST_TEST(std::stod(it->str()) >= 0.4, lower);
    const double def = number(out, R"(hidden layer default ([0-9.]+), xavier ([0-9.]+))", 1);
    const double xav = number(out, R"(hidden layer default ([0-9.]+), xavier ([0-9.]+))", 2);
    BOOST_TEST(def < 0.5 * xav, out);
    BOOST_TEST(contains(out, "glorot2010: reproduced"), out);
}

// Saxe et al.: orthogonal's end-to-end singular values are 1, the Gaussian's spread with depth;
// the Gaussian needs more steps when deeper, orthogonal does not.
BOOST_AUTO_TEST_CASE(saxe2014_quick_orthogonal_is_depth_independent) {
    const std::string out = run_quick("saxe2014", {"saxe2014.png"});
    BOOST_TEST(number(out, R"(singular values are 1 within ([0-9.e+-]+))") < 1e-3, out);
    std::smatch m;
    BOOST_TEST_REQUIRE(std::regex_search(out, m, std::regex(R"(gaussian (\d+) \(lr \S+\) -> (\d+) \(lr \S+\), orthogonal (\d+) \(lr \S+\) -> (\d+) )")), out);
    BOOST_TEST(std::stol(m[2].str()) > std::stol(m[1].str()));
    BOOST_TEST(std::stol(m[4].str()) <= std::stol(m[3].str()) * 3 / 2);
    BOOST_TEST(number(out, R"(max/min ratio ([0-9.e+]+) -> )") < number(out, R"(max/min ratio [0-9.e+]+ -> ([0-9.e+]+))"), out);
    BOOST_TEST(contains(out, "saxe2014: reproduced"), out);
}

// Mishkin & Matas: LSUV's layers have unit output variance on held-out digits, and its test
// accuracy is at least the others' (less a point) for both activations.
BOOST_AUTO_TEST_CASE(lsuv_quick_unit_variance_and_accuracy) {
    const std::string out = run_quick("lsuv", {"lsuv.png"});
    BOOST_TEST(number(out, R"(are 1 within ([0-9.]+))") <= 0.25, out);
    for (const char* act : {"relu", "tanh"}) {
        const std::string p = std::string(act) + R"(: LSUV ([0-9.]+) vs orthogonal ([0-9.]+), xavier ([0-9.]+))";
        const double lsuv = number(out, p, 1), ortho = number(out, p, 2), xavier = number(out, p, 3);
        BOOST_TEST(lsuv >= std::max(ortho, xavier) - 0.01, act << ":\n" << out);
    }
    BOOST_TEST(contains(out, "lsuv: reproduced"), out);
}

BOOST_AUTO_TEST_SUITE_END()
