// test_numerics_print.cpp - numbers printed in the right form: values echoed in their shortest
// round-trip form, --grads=full's tensors exactly as PyTorch prints them, he2015's prediction
// column, and the CUDA skip reason on a machine with no NVIDIA driver.
#include <boost/test/unit_test.hpp>

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "experiment/experiments.h"
#include "core/outputs.h"
#include "core/strf.h"
#include "test_util.h"
#include "train/torch_print.h"

using namespace wi;
using wi_test::contains;
using wi_test::run_wi;
using wi_test::sample_dir;
using wi_test::TempDir;

namespace {

std::string data_flags() { return " --no-fetch --data '" + sample_dir() + "'"; }

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> lines;
    std::stringstream in(s);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(numerics_print)

BOOST_AUTO_TEST_CASE(values_are_echoed_in_their_shortest_form) {
    BOOST_TEST(shortest_double(0.1) == "0.1");
    BOOST_TEST(shortest_double(1e-8) == "1e-08");
    BOOST_TEST(shortest_double(0.30000000000000004) == "0.30000000000000004");
    BOOST_TEST(shortest_double(-2.5) == "-2.5");
    BOOST_TEST(shortest_float(0.1f) == "0.1");
    BOOST_TEST(shortest_float(1.0f / 3.0f) == "0.33333334");
    const auto r = run_wi("--init constant --init-value 0.1 --epochs 0" + data_flags());
    BOOST_TEST(contains(r.out, "init constant(val=0.1), "), r.out);
    // the learning rate as the float32 the trainer uses, not %g's six digits (0.00123457)
    const auto lr = run_wi("--lr 0.00123456789 --epochs 0" + data_flags());
    BOOST_TEST(contains(lr.out, "SGD lr 0.0012345678, "), lr.out);
}

// --grads takes no mode but full; "summary" is not one.
BOOST_AUTO_TEST_CASE(grads_modes) {
    const auto r = run_wi("--grads=summary --epochs 0" + data_flags());
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "--grads: unknown mode 'summary' (valid: --grads, --grads=full)"), r.err);
    // the matrices: summarized rows as PyTorch writes them, wrapped at 80 columns
    const auto full = run_wi("--init xavier --grads=full --epochs 0 -q" + data_flags());
    BOOST_TEST_REQUIRE(full.status == 0, full.err);
    BOOST_TEST(!contains(full.out, ",,"), full.out);
    BOOST_TEST(contains(full.out, "Layer fc1 weight gradients:\ntensor([["), full.out);
    BOOST_TEST(contains(full.out, "],\n        ...,\n        ["), full.out);
    BOOST_TEST(std::regex_search(full.out, std::regex(R"(\d,  \.\.\., [ -]\d)")), full.out);
    int tensor_lines = 0;
    for (const std::string& line : lines_of(full.out))
        if (line.rfind("tensor(", 0) == 0 || line.rfind("        ", 0) == 0) {
            ++tensor_lines;
            BOOST_TEST(line.size() <= 80u, line);
        }
    BOOST_TEST(tensor_lines > 40);
}

// --grads=full prints each tensor exactly as print(tensor) does in PyTorch with its default
// print options; the expected texts are PyTorch 1.13's own output for the same float32 values.
BOOST_AUTO_TEST_CASE(tensors_print_as_pytorch_prints_them) {
    struct Case {
        const char* name;
        int rows, cols;
        bool as_vector;
        std::function<void(std::vector<float>&)> fill;
        const char* expected;
    };
    const Case cases[] = {
        {"small1d", 1, 3, true, [](std::vector<float>& v) { v = {0.5f, -1.25f, 3.0f}; },
         R"(tensor([ 0.5000, -1.2500,  3.0000])
)"},
        {"int1d", 1, 3, true, [](std::vector<float>& v) { v = {1.0f, -2.0f, 30.0f}; },
         R"(tensor([ 1., -2., 30.])
)"},
        {"sci1d", 1, 4, true, [](std::vector<float>& v) { v = {1e-5f, -2.5e-3f, 0.75f, 0.0f}; },
         R"(tensor([ 1.0000e-05, -2.5000e-03,  7.5000e-01,  0.0000e+00])
)"},
        {"long1d", 1, 40, true, [](std::vector<float>& v) { for (int i = 0; i < 40; ++i) v[i] = static_cast<float>(i - 20) / 7.0f; },
         R"(tensor([-2.8571, -2.7143, -2.5714, -2.4286, -2.2857, -2.1429, -2.0000, -1.8571,
        -1.7143, -1.5714, -1.4286, -1.2857, -1.1429, -1.0000, -0.8571, -0.7143,
        -0.5714, -0.4286, -0.2857, -0.1429,  0.0000,  0.1429,  0.2857,  0.4286,
         0.5714,  0.7143,  0.8571,  1.0000,  1.1429,  1.2857,  1.4286,  1.5714,
         1.7143,  1.8571,  2.0000,  2.1429,  2.2857,  2.4286,  2.5714,  2.7143])
)"},
        {"big1d", 1, 1200, true, [](std::vector<float>& v) { for (int i = 0; i < 1200; ++i) v[i] = static_cast<float>(i) * 1e-3f - 0.6f; },
         R"(tensor([-0.6000, -0.5990, -0.5980,  ...,  0.5970,  0.5980,  0.5990])
)"},
        {"small2d", 2, 3, false, [](std::vector<float>& v) { v = {0.1f, -0.2f, 0.3f, 1.5f, 2.25f, -3.125f}; },
         R"(tensor([[ 0.1000, -0.2000,  0.3000],
        [ 1.5000,  2.2500, -3.1250]])
)"},
        {"wide2d", 2, 30, false, [](std::vector<float>& v) { for (int i = 0; i < 60; ++i) v[i] = static_cast<float>(i - 29) / 9.0f; },
         R"(tensor([[-3.2222, -3.1111, -3.0000, -2.8889, -2.7778, -2.6667, -2.5556, -2.4444,
         -2.3333, -2.2222, -2.1111, -2.0000, -1.8889, -1.7778, -1.6667, -1.5556,
         -1.4444, -1.3333, -1.2222, -1.1111, -1.0000, -0.8889, -0.7778, -0.6667,
         -0.5556, -0.4444, -0.3333, -0.2222, -0.1111,  0.0000],
        [ 0.1111,  0.2222,  0.3333,  0.4444,  0.5556,  0.6667,  0.7778,  0.8889,
          1.0000,  1.1111,  1.2222,  1.3333,  1.4444,  1.5556,  1.6667,  1.7778,
          1.8889,  2.0000,  2.1111,  2.2222,  2.3333,  2.4444,  2.5556,  2.6667,
          2.7778,  2.8889,  3.0000,  3.1111,  3.2222,  3.3333]])
)"},
        {"big2d", 40, 784, false, [](std::vector<float>& v) { for (int i = 0; i < 40 * 784; ++i) v[i] = static_cast<float>(i % 97 - 48) * 1.3e-4f; },
         R"(tensor([[-0.0062, -0.0061, -0.0060,  ..., -0.0056, -0.0055, -0.0053],
        [-0.0052, -0.0051, -0.0049,  ..., -0.0046, -0.0044, -0.0043],
        [-0.0042, -0.0040, -0.0039,  ..., -0.0035, -0.0034, -0.0033],
        ...,
        [-0.0056, -0.0055, -0.0053,  ..., -0.0049, -0.0048, -0.0047],
        [-0.0046, -0.0044, -0.0043,  ..., -0.0039, -0.0038, -0.0036],
        [-0.0035, -0.0034, -0.0033,  ..., -0.0029, -0.0027, -0.0026]])
)"},
        {"big2d_fixed", 32, 40, false, [](std::vector<float>& v) { for (int i = 0; i < 32 * 40; ++i) v[i] = static_cast<float>(i % 13 - 6) / 5.0f; },
         R"(tensor([[-1.2000, -1.0000, -0.8000,  ...,  1.0000,  1.2000, -1.2000],
        [-1.0000, -0.8000, -0.6000,  ...,  1.2000, -1.2000, -1.0000],
        [-0.8000, -0.6000, -0.4000,  ..., -1.2000, -1.0000, -0.8000],
        ...,
        [-0.6000, -0.4000, -0.2000,  ..., -1.0000, -0.8000, -0.6000],
        [-0.4000, -0.2000,  0.0000,  ..., -0.8000, -0.6000, -0.4000],
        [-0.2000,  0.0000,  0.2000,  ..., -0.6000, -0.4000, -0.2000]])
)"},
        {"huge", 2, 2, false, [](std::vector<float>& v) { v = {1e9f, -1.0f, 2.0f, 3.5f}; },
         R"(tensor([[ 1.0000e+09, -1.0000e+00],
        [ 2.0000e+00,  3.5000e+00]])
)"},
        {"zeros", 2, 3, false, [](std::vector<float>& v) { v = {0, 0, 0, 0, 0, 0}; },
         R"(tensor([[0., 0., 0.],
        [0., 0., 0.]])
)"},
        {"nonfinite", 1, 4, true, [](std::vector<float>& v) { v = {NAN, INFINITY, -1.5f, 2.0f}; },
         R"(tensor([    nan,     inf, -1.5000,  2.0000])
)"},
        {"sci2d_wrap", 3, 10, false, [](std::vector<float>& v) { for (int i = 0; i < 30; ++i) v[i] = (static_cast<float>(i) - 14.5f) * 3.7e-6f; },
         R"(tensor([[-5.3650e-05, -4.9950e-05, -4.6250e-05, -4.2550e-05, -3.8850e-05,
         -3.5150e-05, -3.1450e-05, -2.7750e-05, -2.4050e-05, -2.0350e-05],
        [-1.6650e-05, -1.2950e-05, -9.2500e-06, -5.5500e-06, -1.8500e-06,
          1.8500e-06,  5.5500e-06,  9.2500e-06,  1.2950e-05,  1.6650e-05],
        [ 2.0350e-05,  2.4050e-05,  2.7750e-05,  3.1450e-05,  3.5150e-05,
          3.8850e-05,  4.2550e-05,  4.6250e-05,  4.9950e-05,  5.3650e-05]])
)"},
        {"big1d_sci", 1, 1500, true, [](std::vector<float>& v) { for (int i = 0; i < 1500; ++i) v[i] = static_cast<float>(i - 700) * 2e-7f; },
         R"(tensor([-0.0001, -0.0001, -0.0001,  ...,  0.0002,  0.0002,  0.0002])
)"},
        {"big1d_int", 1, 1001, true, [](std::vector<float>& v) { for (int i = 0; i < 1001; ++i) v[i] = static_cast<float>(i); },
         R"(tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])
)"},
        {"col", 3, 1, false, [](std::vector<float>& v) { v = {1.5f, -2.0f, 0.25f}; },
         R"(tensor([[ 1.5000],
        [-2.0000],
        [ 0.2500]])
)"},
        {"row_long_summarized", 2, 600, false, [](std::vector<float>& v) { for (int i = 0; i < 1200; ++i) v[i] = static_cast<float>(i - 600) / 1000.0f; },
         R"(tensor([[-0.6000, -0.5990, -0.5980,  ..., -0.0030, -0.0020, -0.0010],
        [ 0.0000,  0.0010,  0.0020,  ...,  0.5970,  0.5980,  0.5990]])
)"},
        {"neg_zero", 1, 2, true, [](std::vector<float>& v) { v = {-0.0f, 0.5f}; },
         R"(tensor([-0.0000, 0.5000])
)"},
        {"big2d_sci", 40, 784, false,
         [](std::vector<float>& v) { for (int i = 0; i < 40 * 784; ++i) v[i] = static_cast<float>(i % 101 - 50) * 3e-5f; },
         R"(tensor([[-1.5000e-03, -1.4700e-03, -1.4400e-03,  ...,  7.2000e-04,
          7.5000e-04,  7.8000e-04],
        [ 8.1000e-04,  8.4000e-04,  8.7000e-04,  ...,  0.0000e+00,
          3.0000e-05,  6.0000e-05],
        [ 9.0000e-05,  1.2000e-04,  1.5000e-04,  ..., -7.2000e-04,
         -6.9000e-04, -6.6000e-04],
        ...,
        [-8.7000e-04, -8.4000e-04, -8.1000e-04,  ...,  1.3500e-03,
          1.3800e-03,  1.4100e-03],
        [ 1.4400e-03,  1.4700e-03,  1.5000e-03,  ...,  6.3000e-04,
          6.6000e-04,  6.9000e-04],
        [ 7.2000e-04,  7.5000e-04,  7.8000e-04,  ..., -9.0000e-05,
         -6.0000e-05, -3.0000e-05]])
)"},
        {"bias_sci", 1, 32, true,
         [](std::vector<float>& v) { for (int i = 0; i < 32; ++i) v[i] = static_cast<float>(i - 16) * 2.5e-5f; },
         R"(tensor([-4.0000e-04, -3.7500e-04, -3.5000e-04, -3.2500e-04, -3.0000e-04,
        -2.7500e-04, -2.5000e-04, -2.2500e-04, -2.0000e-04, -1.7500e-04,
        -1.5000e-04, -1.2500e-04, -1.0000e-04, -7.5000e-05, -5.0000e-05,
        -2.5000e-05,  0.0000e+00,  2.5000e-05,  5.0000e-05,  7.5000e-05,
         1.0000e-04,  1.2500e-04,  1.5000e-04,  1.7500e-04,  2.0000e-04,
         2.2500e-04,  2.5000e-04,  2.7500e-04,  3.0000e-04,  3.2500e-04,
         3.5000e-04,  3.7500e-04])
)"},
        {"ratio_sci", 1, 3, true, [](std::vector<float>& v) { v = {0.5f, 1000.25f, -3.0f}; },
         R"(tensor([ 5.0000e-01,  1.0002e+03, -3.0000e+00])
)"},
        {"ratio_int_sci", 1, 3, true, [](std::vector<float>& v) { v = {1.0f, 5000.0f, -2.0f}; },
         R"(tensor([ 1.0000e+00,  5.0000e+03, -2.0000e+00])
)"},
    };
    for (const Case& c : cases) {
        std::vector<float> v(static_cast<std::size_t>(c.rows) * c.cols);
        c.fill(v);
        BOOST_REQUIRE_EQUAL(v.size(), static_cast<std::size_t>(c.rows) * c.cols);
        Tensor t(c.rows, c.cols);
        std::copy(v.begin(), v.end(), t.data());
        BOOST_TEST(torch_text(t, c.as_vector) == c.expected, c.name << ":\n" << torch_text(t, c.as_vector));
    }
}

// he2015: the claim states the prediction its table prints (2^-(L-2)/2: 2^-14 at 30 layers),
// and the column holds it for Xavier's rows only; a run whose test set was not evaluated shows
// "-" for its test accuracy.
BOOST_AUTO_TEST_CASE(he2015_claim_and_table_agree) {
    const Experiment& he = find_experiment("he2015");
    BOOST_TEST(contains(he.claim, strf("2^%d at 30", -(30 - 2) / 2)), he.claim);
    std::vector<ExperimentRun> runs;
    for (const int depth : {22, 30})
        for (const char* label : {"xavier", "kaiming"}) {
            ExperimentRun r;
            r.arm.label = label;
            r.depth = depth;
            const bool xavier = r.arm.label == "xavier";
            r.result.at_init.resize(depth);
            for (int l = 0; l < depth; ++l) r.result.at_init[l].a_std = xavier ? std::pow(0.7, l) : 0.95;
            r.result.report.step_loss.assign(200, xavier ? 2.3f : 0.3f);
            EpochStats e;
            e.epoch = 1, e.steps = 200, e.test = {1.0, 0.25};
            e.tested = xavier;  // Kaiming's runs stopped before their test
            r.result.report.epochs = {e};
            runs.push_back(r);
        }
    TempDir dir;
    MnistData data;
    data.train.count = 10;  // the caption's only use of it
    const Probe probe;
    ExperimentSizes sizes = he.quick;
    sizes.depths = {22, 30};
    FigureOptions fig;
    fig.out_dir = dir.path();
    fig.font = "builtin";
    std::FILE* out = std::tmpfile();
    BOOST_TEST_REQUIRE(out != nullptr);
    OutputLog log;
    const ExperimentContext ctx{he, sizes, data, probe, fig, Backend::reference(), 1, out, &log};
    judge_he2015(runs, ctx);
    std::rewind(out);
    std::string text;
    for (int c; (c = std::fgetc(out)) != EOF;) text += static_cast<char>(c);
    std::fclose(out);
    // init layers act-std-l1 act-std-top top/l1 2^-(L-2)/2 <0.9ln10-at end-loss test-acc
    BOOST_TEST(std::regex_search(text, std::regex(R"(\nxavier +30 +\S+ +\S+ +\S+ +6\.1e-05 +(never|step \d+) +2\.3000 +0\.250\n)")), text);
    BOOST_TEST(std::regex_search(text, std::regex(R"(\nxavier +22 +\S+ +\S+ +\S+ +0\.000977 )")), text);
    BOOST_TEST(std::regex_search(text, std::regex(R"(\nkaiming +30 +\S+ +\S+ +\S+ +- +(never|step \d+) +0\.3000 +-\n)")), text);
    BOOST_TEST(std::regex_search(text, std::regex(R"(\nkaiming +22 +\S+ +\S+ +\S+ +- )")), text);
}

// Without any NVIDIA driver (no kernel module, no libcuda.so.1) the CUDA build says so, not
// "driver version is insufficient" (the static runtime's answer when there is no driver).
BOOST_AUTO_TEST_CASE(no_nvidia_driver_is_named) {
    struct stat st;
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (lib != nullptr) dlclose(lib);
    if (stat("/proc/driver/nvidia", &st) == 0 || lib != nullptr) {
        BOOST_TEST_MESSAGE("skipped: no_nvidia_driver_is_named (this machine has an NVIDIA driver)");
        return;
    }
    const auto r = run_wi("--device cuda --epochs 0" + data_flags());
    BOOST_TEST(r.status == 2);
    if (contains(r.err, "built without CUDA")) {
        BOOST_TEST_MESSAGE("skipped: no_nvidia_driver_is_named (wi was built without CUDA)");
        return;
    }
    BOOST_TEST(contains(r.err, "no NVIDIA driver"), r.err);
    BOOST_TEST(!contains(r.err, "insufficient"), r.err);
}

BOOST_AUTO_TEST_SUITE_END()
