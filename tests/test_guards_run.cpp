// test_guards_run.cpp - tests that fail when the trainer or its reports are subtly wrong: the
// epoch accuracy of a short last batch, the SGD step on the biases, the test curve's step
// numbers, the divergence's layer, every diagnosis threshold from both sides, atomic writes.
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "core/fsutil.h"
#include "nn/cross_entropy.h"
#include "test_guards.h"
#include "test_util.h"
#include "train/diagnosis.h"
#include "train/trainer.h"

using namespace wi;
using wi_guards::every_path;
using wi_test::contains;

namespace {

// Ten training images; the model's own predictions for them decide which labels count as right.
struct Fixture {
    MnistData data;
    Mlp m = make_mlp({kImagePixels, 16, 10}, Activation::Tanh);
    Fixture() {
        wi_guards::randomize(m, 41, 0.2);
        data.train = wi_guards::random_images(std::vector<std::uint8_t>(10, 0), 42);
        data.test = wi_guards::random_images({3, 1, 4}, 43);
    }
    // The model's prediction for training image i (reference path).
    int predicted(int i) const {
        Workspace ws = make_workspace(m, 1);
        Tensor x(1, kImagePixels);
        normalize_batch(x.data(), data.train, &i, 1);
        return argmax(mlp_forward(m, ws, x.data(), 1), 10);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(guards_run)

// 10 images in batches of 4, 4 and 2, right: 2 of 4, 3 of 4, 1 of 2. The notebook's epoch
// accuracy is the mean of the batch accuracies, (0.5 + 0.75 + 0.5) / 3 = 0.5833; weighting by
// samples would give 0.6, dividing the short batch by 4 would give 0.5.
BOOST_AUTO_TEST_CASE(epoch_accuracy_with_a_short_last_batch) {
    Fixture f;
    const bool right[10] = {true, false, true, false, true, true, true, false, false, true};
    for (int i = 0; i < 10; ++i) {
        const int p = f.predicted(i);
        f.data.train.labels[i] = static_cast<std::uint8_t>(right[i] ? p : (p + 1) % 10);
    }
    for (const auto& p : every_path("guards_run/epoch_accuracy_with_a_short_last_batch", true)) {
        Mlp m = wi_guards::copy_of(f.m);
        TrainOptions opt;
        opt.epochs = 1, opt.batch = 4, opt.lr = 0.0f, opt.shuffle = false, opt.print = false, opt.backend = p.backend;
        const TrainReport r = train(m, f.data, opt, stdout);
        BOOST_TEST_REQUIRE(r.epochs.size() == 1u, p.name);
        BOOST_TEST(r.epochs[0].steps == 3, p.name);
        BOOST_TEST(std::abs(r.epochs[0].accuracy - (0.5 + 0.75 + 0.5) / 3) < 1e-12, p.name << ": " << r.epochs[0].accuracy);
        BOOST_TEST_REQUIRE(r.step_accuracy.size() == 3u, p.name);
        BOOST_TEST(r.step_accuracy[2] == 0.5f, p.name);
        // the loss likewise: the mean of the three batch means
        BOOST_TEST(std::abs(r.epochs[0].loss - (double(r.step_loss[0]) + r.step_loss[1] + r.step_loss[2]) / 3) < 1e-12);
    }
}

// One step, exact: each bias moves by -lr times its gradient. The last layer's gradient by hand:
// the batch mean of softmax(z) - onehot(y).
BOOST_AUTO_TEST_CASE(sgd_step_on_the_biases) {
    Fixture f;
    const int B = 3;
    std::vector<int> idx = {0, 1, 2};
    const std::uint8_t y[] = {2, 5, 9};
    Tensor x(B, kImagePixels);
    normalize_batch(x.data(), f.data.train, idx.data(), B);
    const float lr = 0.5f;
    Workspace ws = make_workspace(f.m, B);
    Mlp ref = wi_guards::copy_of(f.m);
    const float* z = mlp_forward(ref, ws, x.data(), B);
    std::vector<double> db(10, 0.0);
    for (int n = 0; n < B; ++n) {
        double mx = z[n * 10], s = 0;
        for (int c = 0; c < 10; ++c) mx = std::max(mx, double(z[n * 10 + c]));
        for (int c = 0; c < 10; ++c) s += std::exp(z[n * 10 + c] - mx);
        for (int c = 0; c < 10; ++c) db[c] += (std::exp(z[n * 10 + c] - mx) / s - (c == y[n])) / B;
    }
    mlp_backward(ref, ws, x.data(), y, B);
    Tensor db1(1, 16);
    db1.copy_from(ref.layers[0].db);
    for (const auto& p : every_path("guards_run/sgd_step_on_the_biases", false)) {
        Mlp m = wi_guards::copy_of(f.m);
        Workspace w = make_workspace(m, B);
        int correct = 0;
        p.backend.train_step(m, w, x.data(), y, B, lr, &correct);
        for (int c = 0; c < 10; ++c) {
            const double expect = f.m.layers[1].b.data()[c] - lr * db[c];
            BOOST_TEST(std::abs(m.layers[1].b.data()[c] - expect) < 1e-6 * std::abs(lr * db[c]) + 1e-7,
                       p.name << " fc2.bias[" << c << "] " << m.layers[1].b.data()[c] << " vs " << expect);
        }
        for (int u = 0; u < 16; ++u) {
            const float expect = f.m.layers[0].b.data()[u] - lr * db1.data()[u];
            if (p.backend.is_reference())  // the reference's step is exactly b - lr db
                BOOST_TEST(m.layers[0].b.data()[u] == expect, "fc1.bias[" << u << "]");
            else
                BOOST_TEST(std::abs(m.layers[0].b.data()[u] - expect) < 1e-5 * std::abs(lr * db1.data()[u]) + 1e-7,
                           p.name << " fc1.bias[" << u << "]");
        }
    }
}

// 3 batches an epoch, a test evaluation every 2 steps and at each epoch's end: steps 2, 3
// (epoch 1's end), 4, and 6 once (epoch 2's end is also a multiple of 2).
BOOST_AUTO_TEST_CASE(test_curve_at_exact_steps) {
    Fixture f;
    Mlp m = wi_guards::copy_of(f.m);
    TrainOptions opt;
    opt.epochs = 2, opt.batch = 4, opt.lr = 0.01f, opt.eval_every = 2, opt.print = false;
    const TrainReport r = train(m, f.data, opt, stdout);
    std::vector<long> steps;
    for (const TestPoint& p : r.test_curve) steps.push_back(p.step);
    BOOST_TEST(steps == (std::vector<long>{2, 3, 4, 6}), boost::test_tools::per_element());
    BOOST_TEST(r.step_loss.size() == 6u);
    // the epoch-end point is the epoch's own test result
    BOOST_TEST_REQUIRE(r.epochs.size() == 2u);
    BOOST_TEST(r.test_curve[1].loss == r.epochs[0].test.loss);
    BOOST_TEST(r.test_curve[3].accuracy == r.epochs[1].test.accuracy);
}

// fc1 finite (relu of a bias of 1), fc2's weights so large that its outputs overflow: the
// divergence names fc2, on every path.
BOOST_AUTO_TEST_CASE(divergence_names_the_layer) {
    Fixture f;
    for (const auto& p : every_path("guards_run/divergence_names_the_layer", true)) {
        Mlp m = make_mlp({kImagePixels, 16, 16, 10}, Activation::Relu);
        m.layers[0].b.fill(1.0f);
        m.layers[1].W.fill(3e38f);
        TrainOptions opt;
        opt.epochs = 1, opt.batch = 4, opt.print = false, opt.backend = p.backend;
        const TrainReport r = train(m, f.data, opt, stdout);
        BOOST_TEST_REQUIRE(r.diverged, p.name);
        BOOST_TEST(r.diverged_step == 1, p.name);
        BOOST_TEST(r.fault.rfind("fc2 outputs", 0) == 0u, p.name << ": " << r.fault);
    }
}

// Each threshold of diagnosis.h just either side, and on it.
BOOST_AUTO_TEST_CASE(diagnosis_thresholds_from_both_sides) {
    auto stats = [] {
        std::vector<LayerStats> s(3);
        for (int l = 0; l < 3; ++l) {
            s[l].layer = l + 1;
            s[l].units = s[l].distinct_units = s[l].distinct_grads = 32;
            s[l].grad_norm = s[l].grad_ratio = 1;
        }
        return s;
    };
    const TrainReport healthy;
    auto lines_for = [&](const std::vector<LayerStats>& s, const TrainReport& r = TrainReport()) {
        std::string all;
        for (const std::string& line : diagnose(s, r, Activation::Tanh)) all += line + "\n";
        return all;
    };
    BOOST_TEST(lines_for(stats()).empty());
    struct Case {
        double value;
        bool fires;
    };
    auto sweep = [&](const char* what, const char* line, const std::vector<Case>& cases, auto set) {
        for (const Case& c : cases) {
            auto s = stats();
            set(s[0], c.value);
            const std::string out = lines_for(s);
            // below a threshold nothing at all is said (not even another diagnosis's line)
            BOOST_TEST((c.fires ? contains(out, line) : out.empty()), what << " " << c.value << ": '" << out << "'");
        }
    };
    sweep("grad ratio", "vanishing gradients: layer 1", {{0.99e-3, true}, {kVanishingRatio, false}, {1.01e-3, false}},
          [](LayerStats& s, double v) { s.grad_ratio = v; });
    sweep("grad ratio", "exploding gradients: layer 1", {{0.99e3, false}, {kExplodingRatio, false}, {1.01e3, true}},
          [](LayerStats& s, double v) { s.grad_ratio = v; });
    sweep("saturated", "saturation: layer 1", {{0.49, false}, {kSaturatedAlarm, true}, {0.51, true}},
          [](LayerStats& s, double v) { s.saturated = v; });
    sweep("dead", "dead ReLUs: layer 1", {{0.24, false}, {kDeadAlarm, true}, {0.26, true}},
          [](LayerStats& s, double v) { s.dead = v; });
    sweep("distinct rows", "symmetry: layer 1", {{31, true}, {32, false}},
          [](LayerStats& s, double v) { s.distinct_units = s.distinct_grads = static_cast<int>(v); });
    sweep("distinct gradient rows", "symmetry: layer 1", {{31, false}},
          [](LayerStats& s, double v) { s.distinct_units = static_cast<int>(v); });
    sweep("distinct rows", "symmetry: layer 1", {{31, false}},
          [](LayerStats& s, double v) { s.distinct_grads = static_cast<int>(v); });
    {  // the last layer is the reference: never vanishing against itself
        auto s = stats();
        s[2].grad_ratio = 1e-6;
        BOOST_TEST(!contains(lines_for(s), "gradients: layer 3"));
    }
    // no learning: |last - first| < 1 % of first, over the first and last twentieth of >= 40 steps
    auto learning = [&](int steps, double change) {
        TrainReport r;
        EpochStats e;
        e.steps = steps;
        r.epochs.push_back(e);
        r.step_loss.assign(steps, 2.0f);
        for (int i = steps - steps / 20; i < steps; ++i) r.step_loss[i] = static_cast<float>(2.0 * (1 - change));
        return contains(lines_for(stats(), r), "no learning:");
    };
    BOOST_TEST(learning(40, 0.0099));
    BOOST_TEST(!learning(40, 0.0101));
    BOOST_TEST(!learning(39, 0.0));
    BOOST_TEST(learning(41, 0.0));
    TrainReport diverged;
    diverged.diverged = true, diverged.diverged_step = 17, diverged.diverged_epoch = 2, diverged.diverged_loss = NAN;
    BOOST_TEST(contains(lines_for(stats(), diverged), "divergence: loss became NaN at step 17 (epoch 2)"));
    diverged.diverged_loss = INFINITY;
    BOOST_TEST(contains(lines_for(stats(), diverged), "divergence: loss became Inf at step 17"));
    BOOST_TEST(!contains(lines_for(stats(), healthy), "divergence"));
}

// A rewrite is a new file renamed into place (a hard link to the old one keeps the old bytes),
// and a write that fails (here: the file-size limit) leaves the old file as it was, with no
// temporary file beside it.
BOOST_AUTO_TEST_CASE(atomic_writes) {
    wi_test::TempDir dir;
    const std::string path = dir / "out.csv", link = dir / "link";
    write_file_atomic(path, "first\n");
    struct stat a, b;
    BOOST_TEST_REQUIRE(::stat(path.c_str(), &a) == 0);
    BOOST_TEST_REQUIRE(::link(path.c_str(), link.c_str()) == 0);
    write_file_atomic(path, "second\n");
    BOOST_TEST_REQUIRE(::stat(path.c_str(), &b) == 0);
    BOOST_TEST(a.st_ino != b.st_ino);
    BOOST_TEST(wi_test::read_file(path) == "second\n");
    BOOST_TEST(wi_test::read_file(link) == "first\n");
    BOOST_TEST((b.st_mode & 0777) == 0644u);
    ::unlink(link.c_str());

    struct rlimit old_limit;
    BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    struct rlimit small = old_limit;
    small.rlim_cur = 4096;
    void (*old_handler)(int) = std::signal(SIGXFSZ, SIG_IGN);
    BOOST_TEST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string message;
    try {
        write_file_atomic(path, std::string(100000, 'x'));
    } catch (const Error& e) {
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
    BOOST_TEST(contains(message, path), "the failure names the file: '" << message << "'");
    BOOST_TEST(wi_test::read_file(path) == "second\n");
    BOOST_TEST(wi_test::count_files(dir.path()) == 1, "a temporary file was left behind");
}

// The suite's closing line counts each case once: test_main.cpp's self_check suite (registered
// only with WI_TEST_SELF_CHECK) has one case that passes, one that passes with a warning, one
// failed check, one aborted by a REQUIRE, one exception and one skipped by its precondition.
BOOST_AUTO_TEST_CASE(closing_line_counts_each_case_once) {
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    BOOST_TEST_REQUIRE(n > 0);
    exe[n] = '\0';
    std::FILE* p = ::popen(("WI_TEST_SELF_CHECK=1 '" + std::string(exe) + "' --run_test=self_check 2>&1").c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, got);
    const int status = ::pclose(p);
    BOOST_TEST(contains(out, "\n2 passed, 3 failed, 1 skipped\n"), out);
    BOOST_TEST(status != 0);
}

BOOST_AUTO_TEST_SUITE_END()
