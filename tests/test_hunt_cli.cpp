// test_hunt_cli.cpp - flags and printed numbers under hostile input: every value echoed as the
// user wrote it, specs that say one thing once, numbers that were not measured shown as not
// measured, labels of any length kept whole, and draws beyond float32's range made well-defined.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "init/init.h"
#include "init/init_samplers.h"
#include "nn/mlp.h"
#include "test_util.h"
#include "train/compare.h"
#include "train/diagnosis.h"
#include "train/layer_stats.h"

using wi_test::contains;
using wi_test::read_file;
using wi_test::run_wi;
using wi_test::TempDir;

namespace {

std::string data_flags() { return " --no-fetch --data '" + wi_test::sample_dir() + "'"; }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) lines.push_back(line);
    return lines;
}

// The fields of one CSV line, "..." quoting honoured.
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) fields.emplace_back();
        else fields.back() += c;
    }
    return fields;
}

std::string error_of(const std::string& spec) {
    try {
        wi::parse_init(spec);
    } catch (const wi::Error& e) {
        return e.what();
    }
    return "";
}

wi::RunResult fake_run(const std::string& label) {
    wi::RunResult r;
    r.label = label;
    wi::EpochStats e;
    e.epoch = 1;
    e.steps = 10;
    e.loss = 2.5f;
    e.accuracy = 0.5;
    e.tested = true;
    e.test.loss = 2.4;
    e.test.accuracy = 0.6;
    r.report.epochs.push_back(e);
    r.report.test_curve.push_back({10, 2.4, 0.6});
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hunt_cli)

// A value refused is echoed as written: -1e-7 is not "-0.000000".
BOOST_AUTO_TEST_CASE(lr_refusal_echoes_the_value_written) {
    for (const char* lr : {"-0.0000001", "-2.5e-7", "0"}) {
        const wi_test::RunResult r = run_wi(std::string("--lr ") + lr + data_flags());
        BOOST_TEST(r.status == 2, lr);
        BOOST_TEST(r.out.empty(), lr);
        BOOST_TEST(r.err == std::string("wi: --lr: must be > 0, got ") + lr + "\n", r.err);
    }
}

// A subcommand after a flag, --grads full in two words, and an init `wi plot sigmoid` cannot
// show (LSUV is fitted on data it does not load) are named for what they are.
BOOST_AUTO_TEST_CASE(misplaced_words_are_named) {
    struct Case {
        const char* args;
        const char* err;
    };
    for (const Case& c : {Case{"-q plot sigmoid", "wi: 'plot' must come first: wi plot NAME [flags]\n"},
                          Case{"--quick experiment lsuv", "wi: 'experiment' must come first: wi experiment NAME [flags]\n"},
                          Case{"--grads full", "wi: --grads: the matrices are --grads=full (one word)\n"},
                          Case{"plot sigmoid --inits xavier,lsuv",
                               "wi: --inits: lsuv is fitted on training data, which `wi plot sigmoid` does not load "
                               "(see it with --init lsuv --plots)\n"},
                          Case{"full", "wi: unknown flag 'full' (see wi --help)\n"}}) {
        const wi_test::RunResult r = run_wi(c.args + data_flags());
        BOOST_TEST(r.status == 2, c.args);
        BOOST_TEST(r.out.empty(), c.args);
        BOOST_TEST(r.err == c.err, c.args << ": " << r.err);
    }
}

// A flag the chosen job would silently ignore is refused, naming both.
BOOST_AUTO_TEST_CASE(flags_the_job_ignores_are_refused) {
    struct Case {
        const char* args;
        const char* err;
    };
    const char* const explain = " (it explains one initializer, then stops)\n";
    for (const Case& c : {Case{"--compare xavier,zeros --stats", "wi: --stats: cannot be combined with --compare (it measures one run)\n"},
                          Case{"--explain-init xavier --stats", "--stats"}, Case{"--explain-init xavier --plots", "--plots"},
                          Case{"--explain-init xavier --grads", "--grads"},
                          Case{"--explain-init xavier --save-init /tmp/wi-hunt-never", "--save-init"},
                          Case{"--explain-init xavier --save-weights /tmp/wi-hunt-never", "--save-weights"},
                          Case{"--explain-init xavier --load-weights /tmp/wi-hunt-never", "--load-weights"}}) {
        const std::string want = std::string(c.err).rfind("wi: ", 0) == 0
                                     ? std::string(c.err)
                                     : "wi: --explain-init: cannot be combined with " + std::string(c.err) + explain;
        const wi_test::RunResult r = run_wi(c.args + data_flags());
        BOOST_TEST(r.status == 2, c.args);
        BOOST_TEST(r.out.empty(), c.args);
        BOOST_TEST(r.err == want, c.args << ": " << r.err);
    }
}

// An experiment's --width obeys the parameter limit --arch does, before any data is loaded.
BOOST_AUTO_TEST_CASE(experiment_width_obeys_the_parameter_limit) {
    TempDir out;
    const wi_test::RunResult r = run_wi("experiment saxe2014 --width 2048 --out '" + (out / "o") + "'" + data_flags());
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(r.err == "wi: --width: 2048 makes the 32-layer networks of `wi experiment saxe2014` 127518730 parameters, "
                        "over the limit of 67108864\n", r.err);
    BOOST_TEST(wi_test::count_files(out.path()) == 0);  // no --out made
}

// normal:std=1,std=2 says two things; wi does not pick one.
BOOST_AUTO_TEST_CASE(init_spec_key_given_twice_is_refused) {
    BOOST_TEST(contains(error_of("normal:std=1,std=2"), "sets std twice"), error_of("normal:std=1,std=2"));
    BOOST_TEST(contains(error_of("kaiming_normal:mode=fan_in,nonlinearity=relu,mode=fan_out"), "sets mode twice"));
    BOOST_TEST(error_of("normal:mean=0,std=2").empty());
    const wi_test::RunResult r = run_wi("--compare xavier,normal:std=1,std=1 --epochs 0" + data_flags());
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(contains(r.err, "--compare: 'normal:std=1,std=1' sets std twice"), r.err);
}

// A ratio to a NaN gradient norm is no measurement: not 0, and no "vanishing gradients" line.
BOOST_AUTO_TEST_CASE(grad_ratio_to_a_nan_norm_is_not_zero) {
    wi::Mlp m = wi::make_mlp({784, 16, 16, 10}, wi::Activation::None);
    wi::Rng rng(3);
    wi::initialize(m, wi::parse_init("xavier_normal:gain=1e38"), wi::BiasPolicy{}, rng);
    wi::Probe probe;
    probe.n = 8;
    probe.x = wi::Tensor(probe.n, 784);
    for (std::size_t i = 0; i < probe.x.size(); ++i) probe.x.data()[i] = static_cast<float>(i % 7) - 3;
    probe.y.assign(probe.n, 1);
    const std::vector<wi::LayerStats> s = wi::measure_layers(m, probe);
    BOOST_TEST_REQUIRE(!std::isfinite(s.back().grad_norm));
    for (const wi::LayerStats& l : s) BOOST_TEST(std::isnan(l.grad_ratio), "layer " << l.layer << ": " << l.grad_ratio);
    for (const std::string& line : wi::diagnose(s, wi::TrainReport(), m.act))
        BOOST_TEST(!contains(line, "gradients:"), line);
    // and through the binary: the table says "-", the diagnosis says nothing about gradients
    TempDir out;
    const wi_test::RunResult r =
        run_wi("--init xavier_normal:gain=1e38 --epochs 1 -q --stats --out '" + out.path() + "'" + data_flags());
    BOOST_TEST(!contains(r.out, "vanishing"), r.out);
    BOOST_TEST(contains(r.out, "diverged"), r.out);
}

// Saturation is not measured for ReLU or no activation, nor dead units for sigmoid, nor either
// on the output layer: "-" in the table, an empty field in stats_<init>.csv, never 0.
BOOST_AUTO_TEST_CASE(unmeasured_layer_statistics_are_marked) {
    TempDir out;
    const wi_test::RunResult r = run_wi("--act relu --epochs 0 -q --stats --init kaiming_normal:mode=fan_out,nonlinearity=relu"
                                        " --out '" + out.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const std::vector<std::string> lines = lines_of(r.out);
    auto row = [&](const std::string& layer) {
        for (const std::string& l : lines)
            if (l.rfind("  " + layer + " ", 0) == 0) return l;
        return std::string();
    };
    BOOST_TEST(contains(row("fc1"), "%"), row("fc1"));  // dead units: measured
    BOOST_TEST(!contains(row("fc3"), "%"), row("fc3"));  // the logits: no dead units
    BOOST_TEST(contains(row("fc3"), " - "), row("fc3"));
    const std::string csv = read_file(out / "stats_kaiming_normal_mode-fan_out_nonlinearity-relu.csv");
    const std::vector<std::string> rows = lines_of(csv);
    BOOST_TEST_REQUIRE(rows.size() == 4u, csv);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const std::vector<std::string> f = csv_fields(rows[i]);
        BOOST_TEST_REQUIRE(f.size() == 14u, rows[i]);  // the spec's comma quoted, not a column
        BOOST_TEST(f[0] == "kaiming_normal:mode=fan_out,nonlinearity=relu");
        BOOST_TEST(f[7].empty(), "saturated of a relu net: " << rows[i]);
        BOOST_TEST(f[8].empty() == (i == 3), "dead: " << rows[i]);
        BOOST_TEST(!f[11].empty(), "grad_ratio: " << rows[i]);
    }
    const wi_test::RunResult s = run_wi("--act sigmoid --epochs 0 -q --stats --out '" + out.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(s.status == 0, s.err);
    const std::vector<std::string> srows = lines_of(read_file(out / "stats_default.csv"));
    BOOST_TEST_REQUIRE(srows.size() == 4u);
    BOOST_TEST(!csv_fields(srows[1])[7].empty(), srows[1]);  // saturated: measured on a hidden sigmoid layer
    BOOST_TEST(csv_fields(srows[1])[8].empty(), srows[1]);
    BOOST_TEST(csv_fields(srows[3])[7].empty(), srows[3]);
}

// --stats with --load-weights: the rows and the file name say the weights were loaded, not
// "default" (--init did not run).
BOOST_AUTO_TEST_CASE(stats_of_loaded_weights_say_loaded) {
    TempDir dir;
    const wi_test::RunResult save = run_wi("--epochs 0 -q --save-init '" + (dir / "w") + "' --out '" + dir.path() + "'" + data_flags());
    BOOST_TEST_REQUIRE(save.status == 0, save.err);
    const wi_test::RunResult r =
        run_wi("--epochs 0 -q --stats --load-weights '" + (dir / "w") + "' --out '" + (dir / "o") + "'" + data_flags());
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "stats_loaded.csv"), r.out);
    const std::vector<std::string> rows = lines_of(read_file(dir / "o/stats_loaded.csv"));
    BOOST_TEST_REQUIRE(rows.size() == 4u);
    BOOST_TEST(csv_fields(rows[1])[0] == "loaded from " + (dir / "w"), rows[1]);
}

// A spec of any length is one table row and one CSV row, whole.
BOOST_AUTO_TEST_CASE(long_labels_stay_whole_in_compare_outputs) {
    const std::string label = "normal:std=0.1" + std::string(700, '0');
    const std::vector<wi::RunResult> results = {fake_run(label), fake_run("zeros")};
    const std::vector<std::string> csv = lines_of(wi::compare_csv(results));
    BOOST_TEST_REQUIRE(csv.size() == 3u);
    BOOST_TEST(csv[1] == "\"" + label + "\",1,10,2.5,0.5,2.400000,0.600000,-1");
    BOOST_TEST(csv[2] == "\"zeros\",1,10,2.5,0.5,2.400000,0.600000,-1");
    const std::vector<std::string> table = lines_of(wi::compare_table(results));
    BOOST_TEST_REQUIRE(table.size() == 3u);
    BOOST_TEST(table[1].rfind(label + " ", 0) == 0u);
    BOOST_TEST(table[2].rfind("zeros ", 0) == 0u);
    for (const std::string& l : table) BOOST_TEST(l.size() == table[0].size(), l.substr(0, 40));  // aligned
}

// "never" reaching 80 % needs a measurement; a run with no test point says "-".
BOOST_AUTO_TEST_CASE(never_needs_a_test_point) {
    wi::RunResult untested;
    untested.label = "xavier";
    wi::RunResult low = fake_run("zeros"), diverged, tested = fake_run("ones");
    tested.report.test_curve.clear();  // the epoch's test alone is a measurement
    diverged.label = "unusual";
    diverged.report.diverged = true;
    diverged.report.diverged_step = 3;
    const std::vector<std::string> t = lines_of(wi::compare_table({untested, low, diverged, tested}));
    BOOST_TEST_REQUIRE(t.size() == 5u);
    BOOST_TEST(contains(t[4], "never"), t[4]);
    BOOST_TEST(!contains(t[1], "never"), t[1]);
    BOOST_TEST(contains(t[2], "never"), t[2]);
    BOOST_TEST(contains(t[3], "never"), t[3]);
    TempDir out;
    const wi_test::RunResult r = run_wi("--compare xavier,zeros --epochs 0 -q --out '" + out.path() + "'" + data_flags());
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(!contains(r.out, "never"), r.out);
}

// --epochs 0 with weights whose outputs overflow: no accuracy of NaN logits, and the diagnosis
// says what is wrong instead of "nothing unusual measured".
BOOST_AUTO_TEST_CASE(evaluation_of_overflowing_weights_is_not_an_accuracy) {
    for (const char* init : {"unusual:huge=3e38", "constant --init-value 3e38", "uniform:a=-3.4e38,b=3.4e38"}) {
        const wi_test::RunResult r = run_wi(std::string("--epochs 0 -q --init ") + init + data_flags());
        BOOST_TEST_REQUIRE(r.status == 0, init << ": " << r.err);
        BOOST_TEST(contains(r.out, "no training (--epochs 0); test set: loss NaN, accuracy not measured"), init << ":\n" << r.out);
        BOOST_TEST(!contains(r.out, "accuracy 0."), init << ":\n" << r.out);
        BOOST_TEST(contains(r.out, "diagnosis: non-finite: layer "), init << ":\n" << r.out);
        BOOST_TEST(!contains(r.out, "nothing unusual"), init << ":\n" << r.out);
    }
    const wi_test::RunResult ok = run_wi("--epochs 0 -q --init xavier" + data_flags());
    BOOST_TEST(contains(ok.out, "no training (--epochs 0); test set: loss 4.932 and accuracy 0.106"), ok.out);
    BOOST_TEST(contains(ok.out, "diagnosis: nothing unusual measured"), ok.out);
}

// A truncated normal's mean and std are the truncated weights', also in the right tail (where
// Phi near 1 has no resolution): N(0, 1) cut to [7.9, 8] has mean 7.943 and std 0.0284.
BOOST_AUTO_TEST_CASE(truncated_law_in_either_tail) {
    for (double sign : {1.0, -1.0}) {
        const std::string a = sign > 0 ? "7.9" : "-8", b = sign > 0 ? "8" : "-7.9";
        const wi::InitSpec spec = wi::parse_init("trunc_normal:mean=0,std=1,a=" + a + ",b=" + b);
        const wi::WeightLaw law = wi::weight_law(spec, 784, 32);
        wi::Tensor t(256, 784);
        wi::Rng rng(5);
        spec.init->fill_weights(t, rng, spec);
        double sum = 0, sq = 0;
        for (std::size_t i = 0; i < t.size(); ++i) sum += t.data()[i], sq += double(t.data()[i]) * t.data()[i];
        const double mean = sum / t.size(), std = std::sqrt(sq / t.size() - mean * mean);
        BOOST_TEST(std::abs(mean - sign * 7.943) < 0.001, mean);
        BOOST_TEST(std::abs(law.truncated_mean - mean) < 1e-3, a << ": law " << law.truncated_mean << ", sample " << mean);
        BOOST_TEST(std::abs(law.std - std) < 0.02 * std, a << ": law " << law.std << ", sample " << std);
        const wi_test::RunResult r = run_wi("-q --explain-init trunc_normal:a=" + a + ",b=" + b + data_flags());
        BOOST_TEST(contains(r.out, sign > 0 ? "truncated normal     7.943   0.02841" : "truncated normal    -7.943   0.02841"), r.out);
        BOOST_TEST(contains(r.out, "* weights not zero-mean"), r.out);
    }
}

// A draw beyond float32's range is +-inf, defined (no undefined cast), and the run says it diverged.
BOOST_AUTO_TEST_CASE(draws_beyond_float32_become_infinite) {
    BOOST_TEST(wi::to_float32(1e39) == INFINITY);
    BOOST_TEST(wi::to_float32(-1e39) == -INFINITY);
    BOOST_TEST(wi::to_float32(3.0e38) == 3.0e38f);
    BOOST_TEST(wi::to_float32(0.1) == 0.1f);
    wi::Tensor t(64, 64);
    wi::Rng rng(1);
    wi::fill_normal(t, rng, 0, 3e38);
    const long inf = std::count_if(t.data(), t.data() + t.size(), [](float v) { return std::isinf(v); });
    BOOST_TEST(inf > 0);
    const wi_test::RunResult r = run_wi("--init normal:std=3e38 --epochs 1 -q" + data_flags());
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "before training"), r.out);
    BOOST_TEST(!contains(r.err, "runtime error"), r.err);
}

// --explain-init's gain column: a number only for initializers that have a gain.
BOOST_AUTO_TEST_CASE(explain_gain_only_where_there_is_one) {
    struct Case {
        const char* spec;
        const char* gain;
    };
    for (const Case& c : {Case{"uniform", "-"}, Case{"lsuv", "-"}, Case{"zeros", "-"}, Case{"sparse", "-"},
                          Case{"xavier_normal:gain=2.5", "2.5"}, Case{"kaiming_normal:nonlinearity=relu", "1.414"}}) {
        const wi_test::RunResult r = run_wi(std::string("-q --arch 784,16,10 --explain-init ") + c.spec + data_flags());
        BOOST_TEST_REQUIRE(r.status == 0, r.err);
        bool found = false;
        for (const std::string& line : lines_of(r.out)) {
            if (line.rfind("  fc1 ", 0) != 0) continue;
            std::stringstream ss(line);
            std::string layer, fan_in, fan_out, gain;
            ss >> layer >> fan_in >> fan_out >> gain;
            BOOST_TEST(gain == c.gain, c.spec << ": " << line);
            found = true;
        }
        BOOST_TEST(found, r.out);
    }
}

BOOST_AUTO_TEST_SUITE_END()
