// test_loop.cpp - the training loop as the notebook's: the batch loader (order, normalization,
// the SIMD look-ahead hand-off), the observers (called once per step and epoch, in order), and a
// run through the loop equal, bit for bit, to the notebook's loop written out on the reference.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/rng.h"
#include "cpu/mlp_fast.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "init/init.h"
#include "nn/cross_entropy.h"
#include "nn/mlp.h"
#include "test_util.h"
#include "train/batch_loader.h"
#include "train/shuffle.h"
#include "train/trainer.h"

using namespace wi;

namespace {

// The first n images of the bundled sample's training set.
Dataset first_images(int n) {
    const MnistData data = load_mnist_dir(wi_test::sample_dir(), "sample");
    Dataset d;
    d.count = n;
    d.pixels.assign(data.train.pixels.begin(), data.train.pixels.begin() + static_cast<std::size_t>(n) * kImagePixels);
    d.labels.assign(data.train.labels.begin(), data.train.labels.begin() + n);
    return d;
}

Mlp model(Activation act, std::uint64_t seed) {
    Mlp m = make_mlp({784, 16, 12, 10}, act);
    Rng rng(seed);
    initialize(m, parse_init("xavier"), BiasPolicy{}, rng);
    return m;
}

std::vector<Backend> paths() {
    std::vector<Backend> p = {Backend::reference()};
    if (cpu_has_avx2_fma()) p.push_back(Backend::choose("simd"));
    return p;
}

void scale(Tensor& t, float by) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] *= by;
}

bool same_bits(const float* a, const float* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(loop)

BOOST_AUTO_TEST_CASE(loader_yields_the_shuffled_order_normalized) {
    const Dataset d = first_images(10);  // batches of 4, 4 and 2
    const Mlp m = model(Activation::None, 1);
    for (const Backend& path : paths()) {
        BatchLoader loader(d, 4, true, 7, path, m);
        BOOST_TEST(loader.batches() == 3);
        BOOST_TEST((loader.look_ahead() == nullptr) == path.is_reference(), path.name() << ": a look-ahead only for SIMD");
        std::vector<int> order(d.count);
        std::iota(order.begin(), order.end(), 0);
        Rng rng = shuffle_rng(7);
        std::vector<float> want(4 * kImagePixels);
        for (int epoch = 1; epoch <= 3; ++epoch) {
            loader.start_epoch();
            shuffle_order(order, rng);
            BOOST_TEST(loader.order() == order, path.name() << " epoch " << epoch);
            Batch b;
            const float* handed = nullptr;  // the inputs the step before named as the next ones
            for (int k = 0; k < 3; ++k) {
                BOOST_TEST_REQUIRE(loader.next(b));
                const int rows = k < 2 ? 4 : 2;
                BOOST_TEST(b.index == k);
                BOOST_TEST(b.first == 4 * k);
                BOOST_TEST_REQUIRE(b.rows == rows);
                path.normalize(want.data(), d, order.data() + 4 * k, rows);
                BOOST_TEST(same_bits(b.x, want.data(), static_cast<std::size_t>(rows) * kImagePixels),
                           path.name() << " epoch " << epoch << " batch " << k << ": images");
                for (int i = 0; i < rows; ++i) BOOST_TEST(b.y[i] == d.labels[order[4 * k + i]]);
                if (LookAhead* a = loader.look_ahead()) {
                    if (k > 0) BOOST_TEST(b.x == handed, "batch " << k << " is where the step before was told");
                    BOOST_TEST(a->next_rows == (k == 0 ? 4 : k == 1 ? 2 : 0));
                    BOOST_TEST((a->next_x == nullptr) == (k == 2));
                    handed = a->next_x;
                }
            }
            BOOST_TEST(!loader.next(b), "three batches an epoch");
        }
    }
}

// The notebook's loop written out on the reference: for each epoch, shuffle; for each batch,
// normalize, step. train() on the reference path must give the same losses and weights, bit
// for bit, and never hand the reference its loader's look-ahead.
BOOST_AUTO_TEST_CASE(a_run_through_the_loop_equals_the_notebooks_loop) {
    MnistData data;
    data.train = first_images(30);  // batches of 4, the last of 2
    data.test = first_images(8);
    for (Activation act : {Activation::None, Activation::Relu}) {
        Mlp a = model(act, 3), b = model(act, 3);
        TrainOptions opt;
        opt.epochs = 2, opt.batch = 4, opt.lr = 0.005f, opt.seed = 5, opt.print = false;
        opt.backend = Backend::reference();
        const TrainReport r = train(a, data, opt, stdout);

        std::vector<float> losses;
        Workspace ws = make_workspace(b, 4);
        Tensor x(4, kImagePixels);
        std::vector<std::uint8_t> y(4);
        std::vector<int> order(30);
        std::iota(order.begin(), order.end(), 0);
        Rng rng = shuffle_rng(5);
        for (int epoch = 0; epoch < 2; ++epoch) {
            shuffle_order(order, rng);
            for (int first = 0; first < 30; first += 4) {
                const int n = std::min(4, 30 - first);
                normalize_batch(x.data(), data.train, order.data() + first, n);
                for (int i = 0; i < n; ++i) y[i] = data.train.labels[order[first + i]];
                int correct = 0;
                losses.push_back(mlp_train_step(b, ws, x.data(), y.data(), n, opt.lr, &correct));
            }
        }
        BOOST_TEST_REQUIRE(!r.diverged);
        BOOST_TEST_REQUIRE(r.step_loss.size() == losses.size());
        BOOST_TEST(same_bits(r.step_loss.data(), losses.data(), losses.size()), activation_name(act) << ": step losses");
        for (std::size_t l = 0; l < a.layers.size(); ++l) {
            BOOST_TEST(same_bits(a.layers[l].W.data(), b.layers[l].W.data(), a.layers[l].W.size()), "fc" << l + 1);
            BOOST_TEST(same_bits(a.layers[l].b.data(), b.layers[l].b.data(), a.layers[l].b.size()), "fc" << l + 1);
        }
    }
    // and the reference's step ignores a look-ahead handed to it: same loss, the hand-off untouched
    Mlp m1 = model(Activation::None, 4), m2 = model(Activation::None, 4);
    Workspace w1 = make_workspace(m1, 4), w2 = make_workspace(m2, 4);
    std::vector<float> x(4 * kImagePixels);
    const int idx[4] = {0, 1, 2, 3};
    normalize_batch(x.data(), data.train, idx, 4);
    LookAhead ahead = make_look_ahead(m2, 4);
    ahead.next_x = x.data();
    ahead.next_rows = 4;
    int c1 = 0, c2 = 0;
    const float l1 = Backend::reference().train_step(m1, w1, x.data(), data.train.labels.data(), 4, 0.1f, &c1);
    const float l2 = Backend::reference().train_step(m2, w2, x.data(), data.train.labels.data(), 4, 0.1f, &c2, &ahead);
    BOOST_TEST(same_bits(&l1, &l2, 1));
    BOOST_TEST(ahead.of == nullptr);
}

// Every hook once per step and epoch, in the loop's order: on_steps at 0 and after each step,
// the test curve at its steps, after_epoch after each epoch's last step; none after a divergence.
BOOST_AUTO_TEST_CASE(observers_called_once_per_step_and_epoch_in_order) {
    MnistData data;
    data.train = first_images(10);  // 3 steps an epoch
    data.test = first_images(4);
    for (const Backend& path : paths()) {
        Mlp m = model(Activation::Tanh, 2);
        std::string log;
        std::atomic<long> steps_done{0};
        TrainOptions opt;
        opt.epochs = 2, opt.batch = 4, opt.print = false, opt.backend = path, opt.steps_done = &steps_done;
        opt.eval_every = 2;
        opt.every_steps = 1;
        opt.on_steps = [&](long step, Mlp&) {
            log += "s" + std::to_string(step) + " ";
            return true;
        };
        opt.after_epoch = [&](int epoch, Mlp&) { log += "e" + std::to_string(epoch) + " "; };
        const TrainReport r = train(m, data, opt, stdout);
        BOOST_TEST(log == "s0 s1 s2 s3 e1 s4 s5 s6 e2 ", path.name());
        BOOST_TEST(steps_done.load() == 6);
        std::vector<long> at;
        for (const TestPoint& p : r.test_curve) at.push_back(p.step);
        BOOST_TEST(at == (std::vector<long>{2, 3, 4, 6}), path.name() << ": the test curve's steps");
        BOOST_TEST(r.epochs.size() == 2u);

        // a run that diverges at its 2nd step: hooks up to the step before it, no epoch hook
        Mlp big = model(Activation::None, 2);
        scale(big.layers[0].W, 1e30f);
        log.clear();
        opt.lr = 1e30f;
        opt.eval_every = 0;
        const TrainReport d = train(big, data, opt, stdout);
        BOOST_TEST_REQUIRE(d.diverged);
        BOOST_TEST(log == "s0 " + std::string(d.diverged_step > 1 ? "s1 " : ""), path.name() << ": " << log);
        BOOST_TEST_REQUIRE(d.epochs.size() == 1u);
        BOOST_TEST(d.epochs[0].steps == d.diverged_step - 1, "the epoch's figures stop before the diverged step");
        BOOST_TEST((std::isfinite(d.epochs[0].loss) || d.epochs[0].steps == 0));
    }
}

// on_steps may change the weights: the SIMD path's look-ahead, computed with the old ones, must
// not be used for the next step.
BOOST_AUTO_TEST_CASE(a_hook_that_changes_the_weights_is_seen_by_the_next_step) {
    if (!cpu_has_avx2_fma()) return;
    MnistData data;
    data.train = first_images(24);  // 6 steps of 4
    data.test = first_images(4);
    Mlp m = model(Activation::None, 6);
    float expected = NAN;
    TrainOptions opt;
    opt.epochs = 1, opt.batch = 4, opt.shuffle = false, opt.print = false, opt.test_each_epoch = false;
    opt.backend = Backend::choose("simd");
    opt.every_steps = 3;
    opt.on_steps = [&](long step, Mlp& model) {
        if (step != 3) return true;
        scale(model.layers[0].W, 0.25f);  // the next step's first layer changes
        Workspace ws = make_workspace(model, 4);
        std::vector<float> x(4 * kImagePixels);
        const int idx[4] = {12, 13, 14, 15};  // the 4th batch, in file order
        opt.backend.normalize(x.data(), data.train, idx, 4);
        expected = cross_entropy_forward(opt.backend.forward(model, ws, x.data(), 4), data.train.labels.data() + 12, 4,
                                         10, nullptr);
        return true;
    };
    const TrainReport r = train(m, data, opt, stdout);
    BOOST_TEST_REQUIRE(r.step_loss.size() == 6u);
    BOOST_TEST(std::abs(r.step_loss[3] - expected) <= 1e-5f * std::abs(expected),
               "step 4's loss " << r.step_loss[3] << ", with the changed weights " << expected);
}

BOOST_AUTO_TEST_SUITE_END()
