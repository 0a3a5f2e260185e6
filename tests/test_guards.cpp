// test_guards.cpp - tests that fail when the math is subtly wrong: relu' at its kink, every
// gradient element against finite differences of a float64 model, the shuffle's uniformity
// and the orthogonal sampler's Haar law.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "init/init_samplers.h"
#include "nn/activation.h"
#include "nn/cross_entropy.h"
#include "test_guards.h"
#include "test_util.h"
#include "train/shuffle.h"
#include "train/trainer.h"

using namespace wi;
using wi_guards::every_path;

namespace {

// The MLP again, in float64, from the float parameters: the oracle the float gradients are
// differentiated against. pattern, when given, receives which relu units are on (z > 0) for
// every sample, so a finite difference can tell when its step crosses a kink.
struct Model64 {
    std::vector<int> sizes;
    Activation act;
    std::vector<std::vector<double>> W, b;

    explicit Model64(const Mlp& m) : sizes(m.sizes), act(m.act) {
        for (const Layer& L : m.layers) {
            W.emplace_back(L.W.data(), L.W.data() + L.W.size());
            b.emplace_back(L.b.data(), L.b.data() + L.b.size());
        }
    }

    double loss(const std::vector<float>& x, const std::uint8_t* y, int B, std::vector<char>* pattern) const {
        if (pattern) pattern->clear();
        double total = 0;
        for (int n = 0; n < B; ++n) {
            std::vector<double> a(x.begin() + n * sizes[0], x.begin() + (n + 1) * sizes[0]);
            for (std::size_t l = 0; l < W.size(); ++l) {
                const int in = sizes[l], out = sizes[l + 1];
                std::vector<double> z(out);
                for (int o = 0; o < out; ++o) {
                    double s = b[l][o];
                    for (int i = 0; i < in; ++i) s += W[l][o * in + i] * a[i];
                    z[o] = s;
                }
                if (l + 1 < W.size())
                    for (double& v : z) {
                        if (act == Activation::Sigmoid) v = 1 / (1 + std::exp(-v));
                        if (act == Activation::Tanh) v = std::tanh(v);
                        if (act == Activation::Relu) {
                            if (pattern) pattern->push_back(v > 0);
                            v = v > 0 ? v : 0;
                        }
                    }
                a = z;
            }
            const double m = *std::max_element(a.begin(), a.end());
            double s = 0;
            for (double v : a) s += std::exp(v - m);
            total += std::log(s) + m - a[y[n]];
        }
        return total / B;
    }
};

// Relative to the element: the float32 analytic gradient against float64 central differences
// with step 1e-6 (truncation ~1e-12 times the third derivative, rounding ~1e-16 / 1e-6 = 1e-10,
// both far below float32's 6e-8). An element that is a sum cancelling to near zero keeps the
// float error of its terms' size, not its own, so the element's magnitude is floored at 1 % of
// its tensor's RMS. Measured worst: 2e-5 (an fc1 weight gradient 1/1000 of its tensor's
// RMS); 1e-4 catches a 0.1 % error in any one element that is not itself below 1 % of the RMS.
constexpr double kFdStep = 1e-6;
constexpr double kFdRel = 1e-4;
constexpr double kFdFloor = 1e-2;  // times the tensor's RMS

}  // namespace

BOOST_AUTO_TEST_SUITE(guards_math)

BOOST_AUTO_TEST_CASE(relu_derivative_at_zero_is_zero) {
    const float z[] = {-1.0f, 0.0f, -0.0f, 1e-30f, 2.0f};
    const float da[] = {3, 3, 3, 3, 3};
    float a[5], dz[5];
    activation_forward(a, z, 5, Activation::Relu);
    activation_backward(dz, da, z, a, 5, Activation::Relu);
    const float expect[] = {0, 0, 0, 3, 3};  // PyTorch: relu'(0) = 0
    for (int i = 0; i < 5; ++i) BOOST_TEST(dz[i] == expect[i], "z = " << z[i]);
}

// A unit whose weights and bias are all zero sits exactly on relu's kink for every input: with
// relu'(0) = 0 it gets no gradient and stays zero, on every path.
BOOST_AUTO_TEST_CASE(relu_unit_at_the_kink_stays_put_on_every_path) {
    const int B = 4;
    const std::vector<std::uint8_t> labels = {1, 7, 3, 0};
    const Dataset d = wi_guards::random_images(labels, 5);
    std::vector<int> idx(B);
    std::iota(idx.begin(), idx.end(), 0);
    for (const auto& p : every_path("guards_math/relu_unit_at_the_kink_stays_put_on_every_path", false)) {
        Mlp m = make_mlp({kImagePixels, 32, 32, 10}, Activation::Relu);
        wi_guards::randomize(m, 6, 0.1);
        std::fill(m.layers[0].W.row(0), m.layers[0].W.row(0) + kImagePixels, 0.0f);
        m.layers[0].b.data()[0] = 0.0f;
        Workspace ws = make_workspace(m, B);
        Tensor x(B, kImagePixels);
        p.backend.normalize(x.data(), d, idx.data(), B);
        const float before = m.layers[0].W.at(1, 100);
        int correct = 0;
        p.backend.train_step(m, ws, x.data(), labels.data(), B, 0.5f, &correct);
        BOOST_TEST_REQUIRE(m.layers[0].W.at(1, 100) != before, p.name << ": the step changed nothing");
        BOOST_TEST(m.layers[0].b.data()[0] == 0.0f, p.name);
        BOOST_TEST(wi_test::max_abs(m.layers[0].W.row(0), kImagePixels) == 0.0, p.name);
    }
}

// Every weight and bias gradient of a three-layer MLP against float64 finite differences, per
// element, for every activation. relu: a step that moves a unit across its kink is compared on
// the side that keeps every unit as it is; the unit kept exactly at its kink must get gradient 0.
BOOST_AUTO_TEST_CASE(mlp_gradients_per_element) {
    for (Activation act : {Activation::None, Activation::Sigmoid, Activation::Tanh, Activation::Relu}) {
        Mlp m = make_mlp({12, 8, 6, 10}, act);
        wi_guards::randomize(m, 14, 0.5);
        if (act == Activation::Relu) {  // fc1 unit 2 at the kink for every sample
            std::fill(m.layers[0].W.row(2), m.layers[0].W.row(2) + 12, 0.0f);
            m.layers[0].b.data()[2] = 0.0f;
        }
        const int B = 3;
        Rng rng(15);
        const auto x = wi_test::randn(B * 12, rng);
        const std::uint8_t y[] = {3, 0, 9};
        Workspace ws = make_workspace(m, B);
        mlp_forward(m, ws, x.data(), B);
        mlp_backward(m, ws, x.data(), y, B);
        Model64 oracle(m);
        std::vector<char> base_pattern, pattern;
        const double base = oracle.loss(x, y, B, &base_pattern);
        double worst = 0;
        int bad = 0, one_sided = 0, checked = 0;
        for (std::size_t l = 0; l < m.layers.size(); ++l)
            for (int which = 0; which < 2; ++which) {
                std::vector<double>& p = which == 0 ? oracle.W[l] : oracle.b[l];
                const float* g = which == 0 ? m.layers[l].dW.data() : m.layers[l].db.data();
                double rms = 0;
                for (std::size_t i = 0; i < p.size(); ++i) rms += double(g[i]) * g[i] / p.size();
                rms = std::sqrt(rms);
                for (std::size_t i = 0; i < p.size(); ++i) {
                    const double saved = p[i];
                    p[i] = saved + kFdStep;
                    const double up = oracle.loss(x, y, B, &pattern);
                    const bool up_same = pattern == base_pattern;
                    p[i] = saved - kFdStep;
                    const double down = oracle.loss(x, y, B, &pattern);
                    const bool down_same = pattern == base_pattern;
                    p[i] = saved;
                    double numeric;
                    if (up_same && down_same)
                        numeric = (up - down) / (2 * kFdStep);
                    else if (down_same || up_same) {  // the side that keeps every unit on its piece
                        numeric = down_same ? (base - down) / kFdStep : (up - base) / kFdStep;
                        ++one_sided;
                    } else {
                        continue;  // both sides cross a kink: the kink unit's own weights, checked below
                    }
                    ++checked;
                    const double err = std::abs(g[i] - numeric) / (std::abs(numeric) + kFdFloor * rms + 1e-30);
                    worst = std::max(worst, err);
                    if (err > kFdRel && bad++ < 5)
                        BOOST_ERROR(activation_name(act) << " fc" << l + 1 << (which ? ".bias[" : ".weight[") << i
                                                         << "]: analytic " << g[i] << ", numeric " << numeric);
                }
            }
        BOOST_TEST_MESSAGE(activation_name(act) << ": worst relative error " << worst << " over " << checked << " gradients");
        BOOST_TEST(bad == 0, activation_name(act) << ": " << bad << " of " << checked << " disagree (worst " << worst << ")");
        BOOST_TEST(checked >= parameter_count(m) - 12, activation_name(act));
        if (act == Activation::Relu) {
            BOOST_TEST(one_sided > 0);  // the kink unit's bias at least
            BOOST_TEST(m.layers[0].db.data()[2] == 0.0f);
            BOOST_TEST(wi_test::max_abs(m.layers[0].dW.row(2), 12) == 0.0);
            // ... and the kink is real: raising that unit's bias changes the loss
            oracle.b[0][2] = kFdStep;
            BOOST_TEST(std::abs(oracle.loss(x, y, B, nullptr) - base) > 1e-3 * kFdStep);
        }
    }
}

BOOST_AUTO_TEST_CASE(shuffle_is_a_permutation) {
    for (int n : {0, 1, 2, 3, 10, 1000}) {
        Rng rng = shuffle_rng(static_cast<std::uint64_t>(n));
        std::vector<int> order(n);
        std::iota(order.begin(), order.end(), 0);
        for (int epoch = 0; epoch < 3; ++epoch) {
            shuffle_order(order, rng);
            std::vector<int> sorted = order;
            std::sort(sorted.begin(), sorted.end());
            for (int i = 0; i < n; ++i) BOOST_TEST_REQUIRE(sorted[i] == i, "n " << n);
        }
    }
}

// All 120 orders of 5 equally often: over 24,000 seeds (the first epoch's order, as the trainer
// makes it) and over 24,000 epochs of one seed (each shuffling the last). Chi-square with 119
// degrees of freedom has mean 119 and sd 15.4; 220 is 6.5 sd out. A Sattolo shuffle (j < i)
// reaches only the 24 cyclic orders; a pass that skips a position, about half of them.
BOOST_AUTO_TEST_CASE(shuffle_is_uniform) {
    constexpr int kDraws = 24000;
    auto chi_square = [](const std::map<std::vector<int>, int>& counts) {
        double chi = 0;
        const double expect = kDraws / 120.0;
        for (const auto& kv : counts) chi += (kv.second - expect) * (kv.second - expect) / expect;
        chi += (120 - static_cast<double>(counts.size())) * expect;  // the orders never seen
        return chi;
    };
    std::map<std::vector<int>, int> by_seed, by_epoch;
    Rng one = shuffle_rng(3);
    std::vector<int> running = {0, 1, 2, 3, 4};
    for (int s = 0; s < kDraws; ++s) {
        Rng rng = shuffle_rng(static_cast<std::uint64_t>(s));
        std::vector<int> order = {0, 1, 2, 3, 4};
        shuffle_order(order, rng);
        ++by_seed[order];
        shuffle_order(running, one);
        ++by_epoch[running];
    }
    BOOST_TEST(chi_square(by_seed) < 220.0, "over seeds: " << by_seed.size() << " of 120 orders seen");
    BOOST_TEST(chi_square(by_epoch) < 220.0, "over epochs: " << by_epoch.size() << " of 120 orders seen");

    // 50 elements: fixed points are Poisson(1) in the limit (mean 1, variance 1), and element 0
    // lands on every position with probability 1/50 (its mean position 24.5, sd 14.4).
    constexpr int kN = 50, kRuns = 20000;
    double fixed = 0, fixed_sq = 0, pos0 = 0, at_last = 0;
    for (int s = 0; s < kRuns; ++s) {
        Rng rng = shuffle_rng(1000003ULL * s);
        std::vector<int> order(kN);
        std::iota(order.begin(), order.end(), 0);
        shuffle_order(order, rng);
        int f = 0;
        for (int i = 0; i < kN; ++i) f += order[i] == i;
        fixed += f;
        fixed_sq += f * f;
        pos0 += std::find(order.begin(), order.end(), 0) - order.begin();
        at_last += order[kN - 1] == kN - 1;
    }
    const double mean_fixed = fixed / kRuns, var_fixed = fixed_sq / kRuns - mean_fixed * mean_fixed;
    BOOST_TEST(std::abs(mean_fixed - 1.0) < 5 * std::sqrt(1.0 / kRuns), "mean fixed points " << mean_fixed);
    BOOST_TEST(std::abs(var_fixed - 1.0) < 0.1, "variance of fixed points " << var_fixed);
    BOOST_TEST(std::abs(pos0 / kRuns - 24.5) < 5 * 14.43 / std::sqrt(kRuns), "mean position of 0: " << pos0 / kRuns);
    BOOST_TEST(std::abs(at_last / kRuns - 1.0 / kN) < 5 * std::sqrt(1.0 / kN / kRuns), "last stays last: " << at_last / kRuns);
}

// The trainer visits the samples in the shuffle's order, a new one each epoch, and in file
// order with shuffle off. With lr 0 and batch 1 each step's loss is one sample's own, so the
// losses spell out the order.
BOOST_AUTO_TEST_CASE(trainer_visits_the_shuffled_order) {
    const int n = 12;
    std::vector<std::uint8_t> labels(n);
    for (int i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    MnistData data;
    data.train = wi_guards::random_images(labels, 21);
    data.test = wi_guards::random_images({1, 2}, 22);
    Mlp m = make_mlp({kImagePixels, 16, 10}, Activation::Tanh);
    wi_guards::randomize(m, 23, 0.2);
    for (const auto& p : every_path("guards_math/trainer_visits_the_shuffled_order", true)) {
        // each sample's loss under this path's forward
        std::vector<float> own(n);
        Workspace ws = make_workspace(m, 1);
        Tensor x(1, kImagePixels);
        for (int i = 0; i < n; ++i) {
            p.backend.normalize(x.data(), data.train, &i, 1);
            own[i] = cross_entropy_forward(p.backend.forward(m, ws, x.data(), 1), &labels[i], 1, 10, nullptr);
        }
        auto visited = [&](const TrainReport& r, int step0) {
            std::vector<int> seen;
            for (int k = step0; k < step0 + n; ++k) {
                int best = 0;
                for (int i = 1; i < n; ++i)
                    if (std::abs(own[i] - r.step_loss[k]) < std::abs(own[best] - r.step_loss[k])) best = i;
                BOOST_TEST_REQUIRE(std::abs(own[best] - r.step_loss[k]) < 1e-5, p.name << " step " << k);
                seen.push_back(best);
            }
            return seen;
        };
        for (const bool shuffle : {true, false}) {
            Mlp t = wi_guards::copy_of(m);
            TrainOptions opt;
            opt.epochs = 2, opt.batch = 1, opt.lr = 0.0f, opt.seed = 7, opt.shuffle = shuffle, opt.print = false;
            opt.backend = p.backend;
            const TrainReport r = train(t, data, opt, stdout);
            BOOST_TEST_REQUIRE(r.step_loss.size() == 2u * n);
            std::vector<int> order(n);
            std::iota(order.begin(), order.end(), 0);
            Rng rng = shuffle_rng(7);
            for (int epoch = 0; epoch < 2; ++epoch) {
                if (shuffle) shuffle_order(order, rng);
                const std::vector<int> seen = visited(r, epoch * n);
                BOOST_TEST(seen == order, p.name << (shuffle ? " shuffled" : " in file order") << ", epoch " << epoch + 1);
            }
        }
    }
}

// torch.nn.init.orthogonal_ draws from the Haar measure: any one entry of an m-dimensional
// orthonormal row or column is a coordinate of a uniform point on the sphere S^(m-1), so its
// mean is 0, its square has mean 1/m and its fourth power 3/(m(m+2)); for m = 3 it is uniform
// on [-1, 1] (Archimedes), which a Kolmogorov-Smirnov distance tests as a whole law; each
// diagonal entry is positive half the time (the sign correction of QR). Bounds: 5 standard errors.
BOOST_AUTO_TEST_CASE(orthogonal_is_haar) {
    struct Shape {
        int rows, cols;
    };
    constexpr int kRuns = 20000;
    for (const Shape s : {Shape{3, 3}, Shape{2, 2}, Shape{4, 4}, Shape{5, 3}, Shape{3, 5}}) {
        const int m = std::max(s.rows, s.cols), diag = std::min(s.rows, s.cols);
        std::vector<double> q11(kRuns);
        std::vector<int> positive(diag, 0);
        double sum = 0, sum2 = 0, sum4 = 0;
        for (int r = 0; r < kRuns; ++r) {
            Rng rng(7919ULL * r + 17);
            Tensor t(s.rows, s.cols);
            fill_orthogonal(t, rng, 1.0);
            const double q = t.at(0, 0);
            q11[r] = q;
            sum += q, sum2 += q * q, sum4 += q * q * q * q;
            for (int i = 0; i < diag; ++i) positive[i] += t.at(i, i) > 0;
        }
        const std::string shape = std::to_string(s.rows) + "x" + std::to_string(s.cols);
        const double m2 = 1.0 / m, m4 = 3.0 / (m * (m + 2.0)), m8 = 105.0 / (m * (m + 2.0) * (m + 4.0) * (m + 6.0));
        BOOST_TEST(std::abs(sum / kRuns) < 5 * std::sqrt(m2 / kRuns), shape << ": mean q11 " << sum / kRuns);
        BOOST_TEST(std::abs(sum2 / kRuns - m2) < 5 * std::sqrt((m4 - m2 * m2) / kRuns), shape << ": E q11^2 " << sum2 / kRuns);
        BOOST_TEST(std::abs(sum4 / kRuns - m4) < 5 * std::sqrt((m8 - m4 * m4) / kRuns), shape << ": E q11^4 " << sum4 / kRuns);
        for (int i = 0; i < diag; ++i)
            BOOST_TEST(std::abs(positive[i] / double(kRuns) - 0.5) < 5 * 0.5 / std::sqrt(kRuns),
                       shape << ": q" << i + 1 << i + 1 << " > 0 in " << positive[i] << " of " << kRuns);
        if (m == 3 && s.rows == s.cols) {
            std::sort(q11.begin(), q11.end());
            double ks = 0;
            for (int r = 0; r < kRuns; ++r) {
                const double cdf = (q11[r] + 1) / 2;
                ks = std::max({ks, std::abs(cdf - double(r) / kRuns), std::abs(cdf - double(r + 1) / kRuns)});
            }
            BOOST_TEST(ks < 1.95 / std::sqrt(kRuns), shape << ": KS distance from uniform " << ks);  // 0.1 % level
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
