// test_nn.cpp - the reference layers against finite differences (in double) and hand-computed cases.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include "nn/activation.h"
#include "nn/cross_entropy.h"
#include "nn/linear.h"
#include "nn/mlp.h"
#include "nn/sgd.h"
#include "core/rng.h"
#include "test_util.h"

using namespace wi;
using wi_test::randn;

namespace {

// Central differences in double on float code: the step h = 1e-2 balances truncation error
// (O(h^2) times the third derivative, tiny for these smooth functions) against float32
// rounding of the loss (~1e-7 relative, divided by 2h). Analytic and numeric gradients then
// agree to about 1e-3 relative; 2e-2 leaves margin yet still catches a wrong sign, a missing
// factor, a transposed index or an off-by-one (those are errors of order 1).
constexpr double kFdStep = 1e-2;
constexpr double kFdTol = 2e-2;

// Checks d(loss)/d(p[i]) for every i against the analytic gradient g[i].
void check_gradient(std::vector<float>& p, const std::vector<float>& g, const std::function<double()>& loss,
                    const char* what) {
    double max_g = 1e-6;
    for (float v : g) max_g = std::max(max_g, std::abs(static_cast<double>(v)));
    int bad = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const float saved = p[i];
        p[i] = static_cast<float>(saved + kFdStep);
        const double up = loss();
        p[i] = static_cast<float>(saved - kFdStep);
        const double down = loss();
        p[i] = saved;
        const double numeric = (up - down) / (2 * kFdStep);
        const double err = std::abs(numeric - g[i]) / max_g;
        if (err > kFdTol && bad++ < 5)
            BOOST_ERROR(what << "[" << i << "]: analytic " << g[i] << " numeric " << numeric << " (rel err " << err << ")");
    }
    BOOST_TEST(bad == 0, what << ": " << bad << " of " << p.size() << " gradients disagree");
}

// A scalar of the output to differentiate: sum_k c_k y_k with fixed random c, so every
// output element matters with a different weight.
double weighted_sum(const std::vector<float>& y, const std::vector<float>& c) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * c[i];
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reference_layers)

BOOST_AUTO_TEST_CASE(linear_forward_hand_computed) {
    // x (2,3), W (2,3), b (2): y = x W^T + b
    const float x[] = {1, 2, 3, -1, 0, 2};
    const float W[] = {0.5f, -1, 2, 1, 1, 1};
    const float b[] = {0.25f, -3};
    float y[4];
    linear_forward(y, x, W, b, 2, 3, 2);
    BOOST_TEST(y[0] == 0.5f - 2 + 6 + 0.25f);
    BOOST_TEST(y[1] == 1 + 2 + 3 - 3.0f);
    BOOST_TEST(y[2] == -0.5f + 0 + 4 + 0.25f);
    BOOST_TEST(y[3] == -1 + 0 + 2 - 3.0f);
}

BOOST_AUTO_TEST_CASE(linear_backward_finite_differences) {
    Rng rng(11);
    const int B = 3, in = 7, out = 5;
    auto x = randn(B * in, rng), W = randn(out * in, rng), b = randn(out, rng), c = randn(B * out, rng);
    std::vector<float> y(B * out), dW(out * in), db(out), dx(B * in);
    auto loss = [&] {
        linear_forward(y.data(), x.data(), W.data(), b.data(), B, in, out);
        return weighted_sum(y, c);
    };
    // dL/dy = c
    linear_backward(dW.data(), db.data(), dx.data(), c.data(), x.data(), W.data(), B, in, out);
    check_gradient(W, dW, loss, "dW");
    check_gradient(b, db, loss, "db");
    check_gradient(x, dx, loss, "dx");
}

BOOST_AUTO_TEST_CASE(activations_finite_differences) {
    for (Activation act : {Activation::None, Activation::Sigmoid, Activation::Tanh, Activation::Relu}) {
        Rng rng(12);
        const int n = 40;
        auto z = randn(n, rng, 2.0), c = randn(n, rng);
        for (auto& v : z)
            if (std::abs(v) < 0.05f) v = 0.5f;  // keep relu's kink out of the finite-difference step
        std::vector<float> a(n), dz(n);
        auto loss = [&] {
            activation_forward(a.data(), z.data(), n, act);
            return weighted_sum(a, c);
        };
        loss();
        activation_backward(dz.data(), c.data(), z.data(), a.data(), n, act);
        check_gradient(z, dz, loss, activation_name(act));
    }
}

BOOST_AUTO_TEST_CASE(activation_values) {
    const float z[] = {-2.0f, 0.0f, 3.0f};
    float a[3];
    activation_forward(a, z, 3, Activation::Sigmoid);
    BOOST_TEST(a[1] == 0.5f);
    BOOST_TEST(std::abs(a[0] - 0.11920292f) < 1e-7);
    activation_forward(a, z, 3, Activation::Relu);
    BOOST_TEST((a[0] == 0.0f && a[1] == 0.0f && a[2] == 3.0f));
    activation_forward(a, z, 3, Activation::Tanh);
    BOOST_TEST(std::abs(a[2] - 0.99505475f) < 1e-7);
}

BOOST_AUTO_TEST_CASE(cross_entropy_hand_computed) {
    // logits (2,3); row 0 target 2, row 1 target 0
    const float z[] = {1, 2, 3, 0, 0, 0};
    const std::uint8_t y[] = {2, 0};
    int correct = -1;
    const float loss = cross_entropy_forward(z, y, 2, 3, &correct);
    // row 0: logsumexp(1,2,3) - 3 = log(e^1+e^2+e^3) - 3 = 0.40760596; row 1: log 3 = 1.09861229
    const double expected = (0.40760596 + 1.09861229) / 2;
    BOOST_TEST(std::abs(loss - expected) < 1e-6);
    BOOST_TEST(correct == 2);  // row 0 argmax 2 = target; row 1 all equal -> first max 0 = target
    float dz[6];
    cross_entropy_backward(dz, z, y, 2, 3);
    // row 1: softmax = 1/3 each, (1/3 - [c==0]) / 2
    BOOST_TEST(std::abs(dz[3] - (1.0 / 3 - 1) / 2) < 1e-7);
    BOOST_TEST(std::abs(dz[4] - (1.0 / 3) / 2) < 1e-7);
    // row 0: softmax(1,2,3) = (0.09003057, 0.24472847, 0.66524096)
    BOOST_TEST(std::abs(dz[0] - 0.09003057 / 2) < 1e-7);
    BOOST_TEST(std::abs(dz[2] - (0.66524096 - 1) / 2) < 1e-7);
}

BOOST_AUTO_TEST_CASE(cross_entropy_is_stable_for_huge_logits) {
    const float z[] = {1e30f, -1e30f, 0.0f};
    const std::uint8_t y[] = {1};
    const float loss = cross_entropy_forward(z, y, 1, 3, nullptr);
    BOOST_TEST(std::isfinite(loss));
    BOOST_TEST(loss == 2e30f);
}

BOOST_AUTO_TEST_CASE(cross_entropy_finite_differences) {
    Rng rng(13);
    const int B = 4, C = 10;
    auto z = randn(B * C, rng, 3.0);
    const std::uint8_t y[] = {1, 9, 0, 4};
    std::vector<float> dz(B * C);
    cross_entropy_backward(dz.data(), z.data(), y, B, C);
    check_gradient(z, dz, [&] { return static_cast<double>(cross_entropy_forward(z.data(), y, B, C, nullptr)); },
                   "dlogits");
}

BOOST_AUTO_TEST_CASE(sgd_hand_computed) {
    float p[] = {1.0f, -2.0f, 0.5f};
    const float g[] = {0.5f, -4.0f, 0.0f};
    sgd_step(p, g, 3, 0.25f);
    BOOST_TEST(p[0] == 0.875f);
    BOOST_TEST(p[1] == -1.0f);
    BOOST_TEST(p[2] == 0.5f);
}

BOOST_AUTO_TEST_CASE(mlp_three_layers_finite_differences) {
    for (Activation act : {Activation::None, Activation::Sigmoid, Activation::Tanh, Activation::Relu}) {
        Rng rng(14);
        Mlp m = make_mlp({12, 8, 6, 10}, act);
        for (Layer& L : m.layers) {
            for (std::size_t i = 0; i < L.W.size(); ++i) L.W.data()[i] = static_cast<float>(rng.normal() * 0.5);
            for (std::size_t i = 0; i < L.b.size(); ++i) L.b.data()[i] = static_cast<float>(rng.normal() * 0.1);
        }
        const int B = 3;
        auto x = randn(B * 12, rng);
        const std::uint8_t y[] = {3, 0, 9};
        Workspace ws = make_workspace(m, B);
        auto loss = [&] {
            const float* logits = mlp_forward(m, ws, x.data(), B);
            return static_cast<double>(cross_entropy_forward(logits, y, B, 10, nullptr));
        };
        loss();
        mlp_backward(m, ws, x.data(), y, B);
        for (std::size_t l = 0; l < m.layers.size(); ++l) {
            Layer& L = m.layers[l];
            std::vector<float> W(L.W.data(), L.W.data() + L.W.size()), dW(L.dW.data(), L.dW.data() + L.dW.size());
            std::vector<float> b(L.b.data(), L.b.data() + L.b.size()), db(L.db.data(), L.db.data() + L.db.size());
            // perturb through copies written back into the layer
            auto loss_W = [&] {
                std::copy(W.begin(), W.end(), L.W.data());
                return loss();
            };
            auto loss_b = [&] {
                std::copy(b.begin(), b.end(), L.b.data());
                return loss();
            };
            const std::string name = std::string(activation_name(act)) + " fc" + std::to_string(l + 1);
            check_gradient(W, dW, loss_W, (name + ".weight").c_str());
            std::copy(W.begin(), W.end(), L.W.data());
            check_gradient(b, db, loss_b, (name + ".bias").c_str());
            std::copy(b.begin(), b.end(), L.b.data());
        }
    }
}

BOOST_AUTO_TEST_CASE(train_step_is_forward_backward_sgd) {
    Rng rng(15);
    Mlp a = make_mlp({6, 5, 10}, Activation::Tanh), b = make_mlp({6, 5, 10}, Activation::Tanh);
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        for (std::size_t i = 0; i < a.layers[l].W.size(); ++i) a.layers[l].W.data()[i] = static_cast<float>(rng.normal());
        b.layers[l].W.copy_from(a.layers[l].W);
    }
    auto x = randn(2 * 6, rng);
    const std::uint8_t y[] = {2, 7};
    Workspace wa = make_workspace(a, 2), wb = make_workspace(b, 2);
    int correct = 0;
    mlp_train_step(a, wa, x.data(), y, 2, 0.1f, &correct);
    mlp_forward(b, wb, x.data(), 2);
    mlp_backward(b, wb, x.data(), y, 2);
    for (std::size_t l = 0; l < b.layers.size(); ++l)
        for (std::size_t i = 0; i < b.layers[l].W.size(); ++i) {
            const float expect = b.layers[l].W.data()[i] - 0.1f * b.layers[l].dW.data()[i];
            BOOST_TEST_REQUIRE(a.layers[l].W.data()[i] == expect);
        }
}

BOOST_AUTO_TEST_SUITE_END()
