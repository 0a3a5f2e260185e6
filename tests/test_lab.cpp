// test_lab.cpp - the initializer lab as a user drives it: --compare, --stats, --explain-init,
// --list-inits, and every diagnosis on a case built to trigger it (and silent on xavier).
#include <boost/test/unit_test.hpp>

#include <regex>

#include "test_util.h"
#include "train/diagnosis.h"

using namespace wi;
using namespace wi_test;

namespace {

std::string data_flags() { return " --no-fetch --data '" + sample_dir() + "'"; }

// The table without its last column (seconds: the one thing that may differ between runs).
std::string without_seconds(const std::string& out) {
    return std::regex_replace(out, std::regex(R"( +[0-9]+\.[0-9]{2}\n)"), "\n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(initializer_lab)

BOOST_AUTO_TEST_CASE(compare_is_the_same_on_one_and_two_threads) {
    TempDir a, b;
    const std::string inits = " --compare xavier,kaiming_normal:mode=fan_out,nonlinearity=relu,zeros,unusual,lsuv --epochs 1";
    const RunResult one = run_wi(inits + " --threads 1 --out '" + a.path() + "'" + data_flags());
    const RunResult two = run_wi(inits + " --threads 2 --out '" + b.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(one.status == 0, one.err);
    BOOST_TEST_REQUIRE(two.status == 0, two.err);
    const std::string t1 = without_seconds(one.out), t2 = without_seconds(two.out);
    auto table = [](const std::string& t) { return t.substr(t.find("init "), t.find("wrote ") - t.find("init ")); };
    BOOST_TEST(table(t1) == table(t2));
    BOOST_TEST(read_file(a / "compare.csv") == read_file(b / "compare.csv"));
    BOOST_TEST(contains(one.out, "kaiming_normal:mode=fan_out,nonlinearity=relu"));  // one spec, not split at its comma
    BOOST_TEST(std::regex_search(one.out, std::regex(R"(\nunusual +\S+ +\S+ +- +never +step \d+)")), one.out);
    BOOST_TEST(std::regex_search(one.out, std::regex(R"(\nxavier +0\.\d+ +0\.\d+ +0\.8\d\d +step \d+ +-)")), one.out);
    const std::string csv = read_file(a / "compare.csv");
    BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 6);  // header + 5 inits x 1 epoch
}

BOOST_AUTO_TEST_CASE(each_diagnosis_fires_on_its_case) {
    struct Case {
        const char* args;
        const char* diagnosis;
    };
    const Case cases[] = {
        {"--init zeros", "diagnosis: symmetry: layer 1: 1 distinct row of 32 at init"},
        {"--init zeros", "diagnosis: no learning: loss moved less than 1 % in the first epoch"},
        {"--init constant", "diagnosis: vanishing gradients: layer 1 gradient norm is"},
        {"--init unusual", "diagnosis: divergence: loss became NaN at step"},
        {"--init randn --act sigmoid", "of sigmoid units saturated at init"},
        {"--init xavier --act relu --bias constant:-100", "diagnosis: dead ReLUs: layer 1: 100 % of units output 0"},
    };
    for (const Case& c : cases) {
        const RunResult r = run_wi(std::string(c.args) + " --epochs 1 -q" + data_flags());
        BOOST_TEST(r.status == 0, c.args << ": " << r.err);
        BOOST_TEST(contains(r.out, c.diagnosis), c.args << " lacks '" << c.diagnosis << "':\n" << r.out);
    }
    for (const char* act : {"none", "sigmoid", "tanh", "relu"}) {
        const RunResult r = run_wi(std::string("--init xavier --epochs 1 -q --act ") + act + data_flags());
        BOOST_TEST(contains(r.out, "diagnosis: nothing unusual measured"), act << ":\n" << r.out);
    }
}

BOOST_AUTO_TEST_CASE(exploding_and_vanishing_from_measurements) {
    std::vector<LayerStats> s(3);
    for (int l = 0; l < 3; ++l) {
        s[l].layer = l + 1;
        s[l].units = s[l].distinct_units = s[l].distinct_grads = 32;
    }
    s[0].grad_norm = 5e3, s[1].grad_norm = 1, s[2].grad_norm = 1;
    for (auto& x : s) x.grad_ratio = x.grad_norm / s[2].grad_norm;
    TrainReport healthy;
    auto lines = diagnose(s, healthy, Activation::Relu);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(contains(lines[0], "exploding gradients: layer 1 gradient norm is 5e+03 x layer 3's"), lines[0]);
    s[0].grad_norm = 1e-5, s[0].grad_ratio = 1e-5;
    lines = diagnose(s, healthy, Activation::Relu);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(contains(lines[0], "vanishing gradients: layer 1 gradient norm is 1e-05 x layer 3's"), lines[0]);
}

BOOST_AUTO_TEST_CASE(stats_table_and_csv) {
    TempDir out;
    const RunResult r = run_wi("--init lsuv --act tanh --epochs 1 -q --stats --out '" + out.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "layer statistics at init (256 probe images)"));
    BOOST_TEST(contains(r.out, "layer statistics after epoch 1"));
    BOOST_TEST(std::regex_search(r.out, std::regex(R"(lsuv: fc1 output variance 0\.9\d+|lsuv: fc1 output variance 1\.0\d+)")), r.out);
    const std::string csv = read_file(out / "stats_lsuv.csv");
    BOOST_TEST(csv.rfind("init,when,layer,", 0) == 0u);
    BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 7);  // header + 3 layers x (init, epoch 1)
}

BOOST_AUTO_TEST_CASE(explain_and_list) {
    const RunResult e = run_wi("--explain-init kaiming_normal:nonlinearity=relu --act relu" + data_flags());
    BOOST_TEST_REQUIRE(e.status == 0, e.err);
    // fc2 is (32, 32): std sqrt(2/32) = 0.25; predicted and measured z std agree to within 25 %
    const std::smatch m = [&] {
        std::smatch mm;
        std::regex_search(e.out, mm, std::regex(R"(fc2 +32 +32 +1\.414 +normal +0 +0\.25 +- +([0-9.]+) +([0-9.]+))"));
        return mm;
    }();
    BOOST_TEST_REQUIRE(m.size() == 3u, e.out);
    const double expected = std::stod(m[1]), measured = std::stod(m[2]);
    BOOST_TEST(std::abs(measured / expected - 1) < 0.25, expected << " vs " << measured);
    const RunResult l = run_wi("--list-inits");
    for (const char* name : {"trunc_normal", "variance_scaling", "lecun_uniform", "orthogonal", "sparse", "lsuv",
                             "zero_last", "identity", "eye", "ones", "calculate_gain"})
        BOOST_TEST(contains(l.out, name), name);
}

BOOST_AUTO_TEST_CASE(lab_usage_errors) {
    const std::pair<const char*, const char*> cases[] = {
        {"--init normal:std=-1", "--init: normal: std must be > 0"},
        {"--init kaiming_normal:mode=sideways", "is not one of fan_in|fan_out"},
        {"--compare xavier,nosuch", "--compare: unknown initializer 'nosuch'"},
        {"--compare xavier --grads", "--compare: cannot be combined"},
        {"--compare xavier --save-weights d", "--compare: cannot be combined"},
        {"--bias maybe", "--bias: unknown policy 'maybe'"},
        {"--explain-init sparse:sparsity=2", "sparsity must be in [0, 1]"},
        {"--stats=1", "--stats: takes no value"},
    };
    for (const auto& [args, message] : cases) {
        const RunResult r = run_wi(args);
        BOOST_TEST(r.status == 2, args);
        BOOST_TEST(r.out.empty(), args);
        BOOST_TEST(contains(r.err, message), args << ": " << r.err);
    }
}

BOOST_AUTO_TEST_SUITE_END()
