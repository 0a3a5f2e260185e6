// test_numerics.cpp - numbers wi prints are right or absent: the loss of tied and huge logits
// on every path, non-finite parameters behind a finite loss, non-finite weights refused, what
// was never measured left empty, float flags checked as the float32 they become. Printed forms
// (shortest values, PyTorch's tensors, tables, skip reasons): test_numerics_print.cpp.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "cpu/mlp_fast.h"
#include "data/npy.h"
#include "core/error.h"
#include "nn/cross_entropy.h"
#include "nn/mlp.h"
#include "train/plots.h"
#include "test_util.h"
#include "train/compare.h"
#include "train/trainer.h"
#include "train/weights_io.h"

using namespace wi;
using wi_test::contains;
using wi_test::run_and_signal;
using wi_test::run_wi;
using wi_test::Stopped;
using wi_test::sample_dir;
using wi_test::TempDir;

namespace {

const double kLn10 = std::log(10.0);

std::string data_flags() { return " --no-fetch --data '" + sample_dir() + "'"; }

std::vector<const CpuKernels*> simd_kernels() {
    std::vector<const CpuKernels*> k;
    if (cpu_has_avx2_fma()) k.push_back(&cpu_kernels_avx2());
    if (cpu_has_avx512()) k.push_back(&cpu_kernels_avx512());
    if (k.empty()) BOOST_TEST_MESSAGE("skipped: the SIMD paths (this CPU has neither AVX2+FMA nor AVX-512)");
    return k;
}

// The reference, and the SIMD path where this CPU has one.
std::vector<Backend> cpu_backends() {
    std::vector<Backend> b{Backend::reference()};
    if (cpu_has_avx2_fma()) b.push_back(Backend::choose("simd"));
    return b;
}

// A one-layer model 784 -> 10 whose logits are all `bias` (weights 0): every class ties.
Mlp tied_model(float bias) {
    Mlp m = make_mlp({784, 10}, Activation::None);
    for (std::size_t i = 0; i < m.layers[0].b.size(); ++i) m.layers[0].b.data()[i] = bias;
    return m;
}

// A tiny data set of n images (pixel pattern from the index) and labels 0-9 in turn.
Dataset tiny_set(int n) {
    Dataset d;
    d.count = n;
    d.pixels.resize(static_cast<std::size_t>(n) * 784);
    for (std::size_t i = 0; i < d.pixels.size(); ++i) d.pixels[i] = static_cast<std::uint8_t>((i * 37) % 251);
    for (int i = 0; i < n; ++i) d.labels.push_back(static_cast<std::uint8_t>(i % 10));
    return d;
}


std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::stringstream in(s);
    std::string part;
    while (std::getline(in, part, sep)) parts.push_back(part);
    if (!s.empty() && s.back() == sep) parts.push_back("");
    return parts;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(numerics)

// -log softmax of tied logits is ln 10 however large they are; adding the max back in float
// (m + log sum) loses log sum entirely once |m| is about 1e8.
BOOST_AUTO_TEST_CASE(loss_of_tied_and_huge_logits_reference) {
    for (const float big : {1e8f, -1e8f, 3e30f, 1e5f, 2.0f}) {
        std::vector<float> z(3 * 10, big);
        const std::uint8_t y[3] = {0, 4, 9};
        int correct = -1;
        const float loss = cross_entropy_forward(z.data(), y, 3, 10, &correct);
        BOOST_TEST(std::fabs(loss - kLn10) < 1e-6, "logits all " << big << ": loss " << loss);
    }
    // two logits a and a + 1 (exact in float at 1e7): -log softmax of the smaller is log(1 + e)
    const float a = 1e7f;
    const float z[2] = {a, a + 1.0f};
    const std::uint8_t y = 0;
    const float loss = cross_entropy_forward(z, &y, 1, 2, nullptr);
    BOOST_TEST(std::fabs(loss - std::log1p(std::exp(1.0))) < 1e-6, "loss " << loss);
}

// The same on the training step of the reference and of every SIMD twin (the fused loss), and
// on the test-set evaluation of both.
BOOST_AUTO_TEST_CASE(loss_of_tied_and_huge_logits_every_cpu_path) {
    const int B = 4;
    std::vector<float> x(B * 784, 0.5f);
    const std::uint8_t y[B] = {1, 2, 3, 4};
    for (const float big : {1e8f, -3e9f}) {
        {
            Mlp m = tied_model(big);
            Workspace ws = make_workspace(m, B);
            int correct = 0;
            const float loss = mlp_train_step(m, ws, x.data(), y, B, 0.0f, &correct);
            BOOST_TEST(std::fabs(loss - kLn10) < 1e-6, "reference step, logits " << big << ": loss " << loss);
        }
        for (const CpuKernels* k : simd_kernels()) {
            Mlp m = tied_model(big);
            Workspace ws = make_workspace(m, B);
            int correct = 0;
            const float loss = mlp_train_step_fast(m, ws, x.data(), y, B, 0.0f, &correct, *k);
            BOOST_TEST(std::fabs(loss - kLn10) < 1e-6, "SIMD step, logits " << big << ": loss " << loss);
        }
        const Dataset d = tiny_set(30);
        for (const Backend& backend : cpu_backends()) {
            const EvalResult r = evaluate(tied_model(big), d, backend);
            BOOST_TEST(std::fabs(r.loss - kLn10) < 1e-6, backend.name() << " evaluation, logits " << big << ": " << r.loss);
        }
    }
}

// End to end: constant weights and biases tie all ten logits, so the test loss is ln 10 = 2.303
// for every value (PyTorch: 2.3026 for val = 2, 3, 4 and 8 on the bundled sample's test set).
BOOST_AUTO_TEST_CASE(constant_init_test_loss_is_ln10) {
    for (const char* kernel : {"ref", "simd"})
        for (const char* val : {"2", "3", "4", "8"}) {
            const auto r = run_wi(std::string("--init constant:val=") + val + " --epochs 0 -q --kernel " + kernel +
                                  data_flags());
            BOOST_TEST_REQUIRE(r.status == 0, r.err);
            BOOST_TEST(contains(r.out, "test set: loss 2.303 and accuracy"), kernel << " val=" << val << ":\n" << r.out);
        }
}

// With ReLU a NaN activation becomes 0, so the loss stays finite while the weights are NaN:
// the parameter scan calls it a divergence, and no weights are written.
BOOST_AUTO_TEST_CASE(non_finite_weights_behind_a_finite_loss_are_a_divergence) {
    TempDir w;
    const auto r = run_wi("--init orthogonal:gain=3.4e38 --act relu --epochs 1 -q --save-weights '" + w.path() + "'" +
                          data_flags());
    BOOST_TEST(std::regex_search(r.out, std::regex(R"(diverged at step \d+ \(epoch 1, [^)]*\): parameter fc\d\.(weight|bias)\[\d+\] = (nan|inf|-inf))")),
               r.out);
    BOOST_TEST(contains(r.out, "diagnosis: divergence: parameter fc"), r.out);
    BOOST_TEST(!contains(r.out, "test set: loss"), r.out);  // a model with NaN weights is not evaluated
    BOOST_TEST(r.status != 0, r.out);
    BOOST_TEST(contains(r.err, "weights not written: parameter fc"), r.err);
    BOOST_TEST(wi_test::count_files(w.path()) == 0);
}

// The scan in the trainer: a bad parameter before the first step stops the run at step 0,
// named in PyTorch's terms with its flat index; the same on the SIMD path and in --compare's
// table and CSV.
BOOST_AUTO_TEST_CASE(trainer_scans_the_parameters) {
    MnistData data;
    data.train = tiny_set(40);
    data.test = tiny_set(20);
    for (const Backend& backend : cpu_backends()) {
        Mlp m = make_mlp({784, 8, 10}, Activation::Relu);
        m.layers[1].W.data()[13] = NAN;
        TrainOptions opt;
        opt.epochs = 2;
        opt.print = false;
        opt.backend = backend;
        const TrainReport rep = train(m, data, opt, stdout);
        BOOST_TEST(rep.diverged);
        BOOST_TEST(rep.diverged_step == 0);
        BOOST_TEST(rep.bad_parameter == "fc2.weight[13] = nan");
        BOOST_TEST(rep.epochs.empty());
    }
    // found at an epoch's end: the NaN comes in through on_steps after step 3 (the loss of a
    // NaN weight behind a ReLU stays finite), and the test set is not evaluated
    Mlp m = make_mlp({784, 8, 10}, Activation::Relu);
    TrainOptions opt;
    opt.epochs = 3;
    opt.print = false;
    opt.every_steps = 3;
    opt.on_steps = [](long step, Mlp& model) {
        if (step == 3) model.layers[0].b.data()[2] = NAN;
        return true;
    };
    const TrainReport rep = train(m, data, opt, stdout);
    BOOST_TEST(rep.diverged);
    BOOST_TEST(rep.diverged_step == 10);  // 40 images, batch 4: the first epoch's end
    BOOST_TEST(rep.diverged_epoch == 1);
    BOOST_TEST(rep.bad_parameter == "fc1.bias[2] = nan");
    BOOST_TEST_REQUIRE(rep.epochs.size() == 1u);
    BOOST_TEST(!rep.epochs[0].tested);
    BOOST_TEST(rep.test_curve.empty());
    // found before a test evaluation (every 2 steps): at step 4, after the one of step 2
    opt.eval_every = 2;
    Mlp again = make_mlp({784, 8, 10}, Activation::Relu);
    const TrainReport early = train(again, data, opt, stdout);
    BOOST_TEST(early.diverged);
    BOOST_TEST(early.diverged_step == 4);
    BOOST_TEST(early.bad_parameter == "fc1.bias[2] = nan");
    BOOST_TEST_REQUIRE(early.test_curve.size() == 1u);
    BOOST_TEST(early.test_curve[0].step == 2);
    // a run that on_steps ends early is not a stop before the test: its epoch is evaluated
    Mlp short_run = make_mlp({784, 8, 10}, Activation::Relu);
    opt.eval_every = 0;
    opt.on_steps = [](long step, Mlp&) { return step < 3; };
    const TrainReport ended = train(short_run, data, opt, stdout);
    BOOST_TEST(!ended.diverged);
    BOOST_TEST_REQUIRE(ended.epochs.size() == 1u);
    BOOST_TEST(ended.epochs[0].steps == 3);
    BOOST_TEST(ended.epochs[0].tested);
    BOOST_TEST(ended.test_curve.size() == 1u);
}

BOOST_AUTO_TEST_CASE(first_non_finite_names_the_parameter) {
    Mlp m = make_mlp({4, 3, 2}, Activation::None);
    BOOST_TEST(first_non_finite(m) == "");
    m.layers[1].b.data()[1] = -INFINITY;
    BOOST_TEST(first_non_finite(m) == "fc2.bias[1] = -inf");
    m.layers[0].W.data()[0] = NAN;
    BOOST_TEST(first_non_finite(m) == "fc1.weight[0] = nan");
}

BOOST_AUTO_TEST_CASE(save_weights_writes_no_non_finite_model) {
    TempDir dir;
    Mlp m = make_mlp({4, 3, 2}, Activation::None);
    m.layers[0].b.data()[2] = NAN;
    const std::string target = dir / "w";
    BOOST_CHECK_THROW(save_weights(m, target), Error);
    try {
        save_weights(m, target);
    } catch (const Error& e) {
        BOOST_TEST(contains(e.what(), "fc1.bias[2] = nan"), e.what());
    }
    struct stat st;
    BOOST_TEST(stat(target.c_str(), &st) != 0);  // not even the folder
}

// --load-weights: a NaN or an infinity anywhere is refused with the file and its flat index.
BOOST_AUTO_TEST_CASE(load_weights_refuses_non_finite_values) {
    for (const float bad : {NAN, INFINITY}) {
        TempDir dir;
        Mlp m = make_mlp({784, 32, 32, 10}, Activation::None);
        save_weights(m, dir.path());
        Tensor w(10, 32);
        w.data()[37] = bad;
        write_npy(dir / "fc3.weight.npy", w, {10, 32});
        const auto r = run_wi("--load-weights '" + dir.path() + "' --epochs 0" + data_flags());
        BOOST_TEST(r.status == 2, r.out);
        BOOST_TEST(contains(r.err, dir / "fc3.weight.npy"), r.err);
        BOOST_TEST(contains(r.err, "element 37 (flat index)"), r.err);
        BOOST_TEST(!contains(r.out, "diagnosis"), r.out);
        Mlp again = make_mlp({784, 32, 32, 10}, Activation::None);
        BOOST_CHECK_THROW(load_weights(again, dir.path()), Error);
    }
}

// What was never measured is never written as 0: an epoch stopped before its end has no test
// numbers in the CSV (empty fields), "-" in the table, no point on the training figure; a run
// that never started has no CSV row, "-" for its figures and its seconds, and says "not started".
BOOST_AUTO_TEST_CASE(unmeasured_numbers_are_absent) {
    RunResult stopped;
    stopped.label = "xavier";
    stopped.report.interrupted_by = SIGINT;
    stopped.report.interrupted_step = 2500;
    stopped.trained = true;
    stopped.seconds = 1.5;
    EpochStats e1;
    e1.epoch = 1, e1.steps = 2000, e1.loss = 0.5, e1.accuracy = 0.8, e1.test = {0.25, 0.9}, e1.tested = true;
    EpochStats e2;
    e2.epoch = 2, e2.steps = 500, e2.loss = 0.4, e2.accuracy = 0.85;
    stopped.report.epochs = {e1, e2};
    stopped.report.step_loss.assign(2500, 0.5f);
    stopped.report.step_accuracy.assign(2500, 0.8f);
    RunResult never;
    never.label = "zeros";
    never.report.interrupted_by = SIGINT;
    const std::vector<RunResult> results{stopped, never};

    const std::vector<std::string> rows = split(compare_csv(results), '\n');
    BOOST_TEST_REQUIRE(rows.size() == 4u);  // the header, two epochs of xavier, the final newline
    BOOST_TEST(rows[1] == "\"xavier\",1,2000,0.5,0.8,0.250000,0.900000,-1");
    BOOST_TEST(rows[2] == "\"xavier\",2,500,0.4,0.85,,,-1");
    BOOST_TEST(rows[3] == "");

    const std::vector<std::string> table = split(compare_table(results), '\n');
    BOOST_TEST_REQUIRE(table.size() >= 3u);
    BOOST_TEST(std::regex_search(table[1], std::regex(R"(^xavier +0\.4 +0\.850 +- +never +stopped 2500 +1\.50$)")), table[1]);
    BOOST_TEST(std::regex_search(table[2], std::regex(R"(^zeros +- +- +- +- +not started +-$)")), table[2]);

    const TrainingCurves c = curves_of(stopped.report);
    BOOST_TEST_REQUIRE(c.epochs.size() == 2u);
    BOOST_TEST(c.epochs[0].has_test);
    BOOST_TEST(!c.epochs[1].has_test);
}

// The same through a real interrupt of --compare: the last (stopped) epoch's test fields are
// empty, and no test number is 0.
BOOST_AUTO_TEST_CASE(interrupted_compare_writes_no_test_zeros) {
    TempDir dir, out;
    const Stopped s = run_and_signal({"--compare", "xavier,kaiming", "--epochs", "1000", "--kernel", "ref", "--threads",
                                       "2", "--no-fetch", "--out", out.path(), "--data", sample_dir()},
                                      "compare:", SIGINT, dir, 1200);
    BOOST_TEST_REQUIRE(s.status == 130, s.out);
    const std::vector<std::string> rows = split(wi_test::read_file(out / "compare.csv"), '\n');
    BOOST_TEST_REQUIRE(rows.size() >= 3u);
    int stopped_rows = 0;
    for (std::size_t i = 1; i + 1 < rows.size(); ++i) {
        const std::vector<std::string> f = split(rows[i], ',');
        BOOST_TEST_REQUIRE(f.size() == 8u, rows[i]);
        // a run's last row may be an epoch cut short (8000 images, batch 4: fewer than 2000
        // steps) or a complete one whose test evaluation the signal stopped: no test figures
        const bool last_of_run = i + 2 >= rows.size() || split(rows[i + 1], ',')[0] != f[0];
        if (f[2] != "2000") {
            ++stopped_rows;
            BOOST_TEST((f[5].empty() && f[6].empty()), rows[i]);
        } else if (f[5].empty() || f[6].empty()) {
            ++stopped_rows;
            BOOST_TEST((last_of_run && f[5].empty() && f[6].empty()), rows[i]);
        } else {
            BOOST_TEST((std::stod(f[5]) > 0 && std::stod(f[6]) > 0), rows[i]);
        }
    }
    BOOST_TEST(stopped_rows >= 1, "no epoch was cut short:\n" << s.out);
    BOOST_TEST(!std::regex_search(s.out, std::regex(R"(\n(xavier|kaiming) +\S+ +\S+ +0\.000 )")), s.out);
}

// Float flags are checked as the float32 the trainer uses: what would become 0 or infinite is
// refused, saying which.
BOOST_AUTO_TEST_CASE(float_flags_are_checked_as_float32) {
    const std::pair<std::string, std::string> cases[] = {
        {"--lr 1e-46", "--lr: 1e-46 is too small: it underflows float32"},
        {"--lr 1e-310", "--lr: 1e-310 is too small: it underflows float32"},
        {"--lr 1e-400", "--lr: 1e-400 is too small: it underflows float32"},
        {"--lr 1e-39", "--lr: 1e-39 is too small: it underflows float32"},
        {"--lr 1e39", "--lr: 1e39 is too large: beyond float32's range"},
        {"--lr 1e400", "--lr: 1e400 is too large: beyond float32's range"},
        {"--init constant --init-value 1e-46", "--init-value: 1e-46 is too small: it underflows float32"},
        {"--init constant --init-value -1e-300", "--init-value: -1e-300 is too small: it underflows float32"},
        {"--init constant:val=1e-46", "val='1e-46' is too small: it underflows float32"},
        {"--init normal:std=1e-320", "std='1e-320' is too small: it underflows float32"},
        {"--init constant:val=1e39", "val='1e39' is too large: beyond float32's range"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = run_wi(args + " --epochs 0" + data_flags());
        BOOST_TEST(r.status == 2, args << ": " << r.out);
        BOOST_TEST(contains(r.err, message), args << ": " << r.err);
        BOOST_TEST(r.out.empty(), args << ": " << r.out);
    }
    // the smallest normal float32 and zero for a constant are fine
    const auto ok = run_wi("--lr 1.2e-38 --init constant --init-value 0 --epochs 0 -q" + data_flags());
    BOOST_TEST(ok.status == 0, ok.err);
}

BOOST_AUTO_TEST_SUITE_END()
