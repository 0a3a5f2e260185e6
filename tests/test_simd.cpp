// test_simd.cpp - every SIMD twin against the reference loops: kernels on awkward shapes, 100
// training steps side by side on every activation, and one epoch's accuracy.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "cpu/kernels.h"
#include "cpu/mlp_fast.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "init/init.h"
#include "nn/activation.h"
#include "nn/cross_entropy.h"
#include "nn/linear.h"
#include "test_util.h"
#include "train/layer_stats.h"
#include "train/trainer.h"

using namespace wi;
using wi_test::kKernelTol;  // per element, of the sum of magnitudes (test_util.h)
using wi_test::max_abs;
using wi_test::randn;
using wi_test::worst;

namespace {

// Trajectories: outputs and gradients within 1e-5 of the reference's largest, for 100 steps.
constexpr double kStepTol = 1e-5;
constexpr int kSteps = 100;

// The twins this CPU runs; each one it cannot run is named on stdout under the case's name.
std::vector<const CpuKernels*> supported() {
    std::vector<const CpuKernels*> k;
    const std::string name = boost::unit_test::framework::current_test_case().p_name;
    if (cpu_has_avx2_fma())
        k.push_back(&cpu_kernels_avx2());
    else
        std::printf("simd_twins/%s: skipped on avx2: this CPU has no AVX2 with FMA\n", name.c_str());
    if (cpu_has_avx512())
        k.push_back(&cpu_kernels_avx512());
    else
        std::printf("simd_twins/%s: skipped on avx512: this CPU has no AVX-512F\n", name.c_str());
    return k;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(simd_twins)

BOOST_AUTO_TEST_CASE(kernels_match_reference_on_awkward_shapes) {
    BOOST_TEST_REQUIRE(!supported().empty(), "this CPU has neither AVX2+FMA nor AVX-512: nothing to test");
    const int Bs[] = {1, 3, 4, 5, 17, 64}, ins[] = {1, 7, 16, 33, 784}, outs[] = {1, 3, 10, 32, 33};
    Rng rng(21);
    for (const CpuKernels* k : supported())
        for (int B : Bs)
            for (int in : ins)
                for (int out : outs) {
                    const auto x = randn(B * in, rng), W = randn(out * in, rng), b = randn(out, rng), dy = randn(B * out, rng);
                    std::vector<float> y_ref(B * out), y(B * out), dW_ref(out * in), dW(out * in), db_ref(out), db(out),
                        dx_ref(B * in), dx(B * in);
                    linear_forward(y_ref.data(), x.data(), W.data(), b.data(), B, in, out);
                    linear_backward(dW_ref.data(), db_ref.data(), dx_ref.data(), dy.data(), x.data(), W.data(), B, in, out);
                    k->linear_forward(y.data(), x.data(), W.data(), b.data(), B, in, out);
                    k->linear_backward_input(dx.data(), dy.data(), W.data(), B, in, out);
                    k->linear_backward_weights(dW.data(), db.data(), dy.data(), x.data(), B, in, out);
                    const wi_test::LinearMagnitudes mag = wi_test::linear_magnitudes(x, W, b, dy, B, in, out);
                    const std::vector<double>& sy = mag.y;
                    const std::vector<double>& sdx = mag.dx;
                    const std::vector<double>& sdw = mag.dW;
                    const std::vector<double>& sdb = mag.db;
                    const std::string what = std::string(k->name) + " B=" + std::to_string(B) + " in=" + std::to_string(in) +
                                             " out=" + std::to_string(out);
                    BOOST_TEST_REQUIRE(worst(y, y_ref, sy) < kKernelTol, what << " forward");
                    BOOST_TEST_REQUIRE(worst(dx, dx_ref, sdx) < kKernelTol, what << " dx");
                    BOOST_TEST_REQUIRE(worst(dW, dW_ref, sdw) < kKernelTol, what << " dW");
                    BOOST_TEST_REQUIRE(worst(db, db_ref, sdb) < kKernelTol, what << " db");
                    // fused: W - lr dW, against the reference's W - lr dW_ref
                    const float lr = 0.01f;
                    std::vector<float> Wf = W, bf = b, Wr = W, br = b;
                    k->linear_sgd_fused(Wf.data(), bf.data(), dy.data(), x.data(), B, in, out, lr);
                    std::vector<double> sw(out * in), sb(out);
                    for (int i = 0; i < out * in; ++i) {
                        Wr[i] -= lr * dW_ref[i];
                        sw[i] = std::abs(W[i]) + lr * sdw[i];
                    }
                    for (int o = 0; o < out; ++o) {
                        br[o] -= lr * db_ref[o];
                        sb[o] = std::abs(b[o]) + lr * sdb[o];
                    }
                    BOOST_TEST_REQUIRE(worst(Wf, Wr, sw) < kKernelTol, what << " fused W");
                    BOOST_TEST_REQUIRE(worst(bf, br, sb) < kKernelTol, what << " fused b");
                    // the same update, then the next batch's product with the updated weights, in one
                    // pass: for a next batch of B rows (the one-pass kernels) and of another size
                    for (int Bn : {B, B % 3 + 1}) {
                        const auto xn = randn(Bn * in, rng);
                        std::vector<float> Wg = W, bg = b, yn(Bn * out), yn_ref(Bn * out);
                        k->linear_sgd_fused_forward(Wg.data(), bg.data(), dy.data(), x.data(), B, in, out, lr, yn.data(),
                                                    xn.data(), Bn);
                        linear_forward(yn_ref.data(), xn.data(), Wr.data(), br.data(), Bn, in, out);
                        std::vector<double> syn(Bn * out, 0);
                        for (int n = 0; n < Bn; ++n)
                            for (int o = 0; o < out; ++o) {
                                syn[n * out + o] = sb[o];
                                for (int i = 0; i < in; ++i) syn[n * out + o] += std::abs(xn[n * in + i]) * sw[o * in + i];
                            }
                        const std::string with = what + " Bn=" + std::to_string(Bn);
                        BOOST_TEST_REQUIRE(worst(Wg, Wr, sw) < kKernelTol, with << " one-pass W");
                        BOOST_TEST_REQUIRE(worst(bg, br, sb) < kKernelTol, with << " one-pass b");
                        BOOST_TEST_REQUIRE(worst(yn, yn_ref, syn) < kKernelTol, with << " one-pass next forward");
                    }
                }
}

// The notebook's normalization as one multiply-add, against the reference's exact table.
BOOST_AUTO_TEST_CASE(normalize_matches_the_table) {
    Dataset d;
    d.count = 1;
    for (int i = 0; i < kImagePixels; ++i) d.pixels.push_back(static_cast<std::uint8_t>(i * 7 % 256));
    d.labels = {0};
    const int idx = 0;
    std::vector<float> ref(kImagePixels);
    normalize_batch(ref.data(), d, &idx, 1);
    for (const CpuKernels* k : supported()) {
        std::vector<float> x(kImagePixels);
        Backend::choose(k->name).normalize(x.data(), d, &idx, 1);
        for (int i = 0; i < kImagePixels; ++i)
            BOOST_TEST_REQUIRE(std::abs(x[i] - ref[i]) <= 2 * 0x1.0p-24 * 2, k->name << " pixel " << int(d.pixels[i]));  // 2 ulp of 1
    }
}

BOOST_AUTO_TEST_CASE(hundred_steps_side_by_side) {
    const MnistData data = load_mnist_dir(wi_test::sample_dir(), "sample");
    const int B = 4;
    for (const CpuKernels* k : supported())
        for (Activation act : {Activation::None, Activation::Sigmoid, Activation::Tanh, Activation::Relu}) {
            Mlp ref = make_mlp({784, 32, 32, 10}, act), fast = make_mlp({784, 32, 32, 10}, act);
            Rng r1(4), r2(4);
            initialize(ref, parse_init("xavier"), BiasPolicy{}, r1);
            initialize(fast, parse_init("xavier"), BiasPolicy{}, r2);
            Workspace wr = make_workspace(ref, B), wf = make_workspace(fast, B);
            LookAhead ahead = make_look_ahead(fast, B);
            // as the trainer does: the next batch normalized a step early, so the fast path takes
            // its first layer from the look-ahead
            Tensor xs[2] = {Tensor(B, 784), Tensor(B, 784)};
            const auto load_batch = [&](int s) {  // the images s*B .. s*B+B-1 into xs[s % 2]
                int idx[B];
                for (int i = 0; i < B; ++i) idx[i] = s * B + i;
                normalize_batch(xs[s % 2].data(), data.train, idx, B);
            };
            std::uint8_t y[B];
            double worst_out = 0, worst_grad = 0;
            load_batch(0);
            for (int step = 0; step < kSteps; ++step) {
                const Tensor& x = xs[step % 2];
                if (step + 1 < kSteps) load_batch(step + 1);
                for (int i = 0; i < B; ++i) y[i] = data.train.labels[step * B + i];
                const float* next_x = step + 1 < kSteps ? xs[(step + 1) % 2].data() : nullptr;
                // the fast path's outputs and explicit gradients at its own current weights
                const float* lf = mlp_forward_fast(fast, wf, x.data(), B, *k);
                std::vector<float> logits_fast(lf, lf + B * 10);
                std::vector<std::vector<float>> grads_fast;
                {
                    Workspace g = make_workspace(fast, B);
                    mlp_forward_fast(fast, g, x.data(), B, *k);
                    cross_entropy_backward(g.dz[2].data(), g.z[2].data(), y, B, 10);
                    for (int l = 2; l >= 0; --l) {
                        Layer& L = fast.layers[l];
                        const float* in = l == 0 ? x.data() : g.a[l - 1].data();
                        k->linear_backward_weights(L.dW.data(), L.db.data(), g.dz[l].data(), in, B, L.in, L.out);
                        if (l > 0) {
                            k->linear_backward_input(g.dz[l - 1].data(), g.dz[l].data(), L.W.data(), B, L.in, L.out);
                            activation_backward(g.dz[l - 1].data(), g.dz[l - 1].data(), g.z[l - 1].data(), g.a[l - 1].data(),
                                                B * L.in, act);
                        }
                        grads_fast.emplace_back(L.dW.data(), L.dW.data() + L.dW.size());
                    }
                }
                int c1 = 0, c2 = 0;
                mlp_train_step(ref, wr, x.data(), y, B, 0.001f, &c1);  // fills ref's dW at its weights
                ahead.next_x = next_x;
                ahead.next_rows = B;
                mlp_train_step_fast(fast, wf, x.data(), y, B, 0.001f, &c2, *k, &ahead);
                BOOST_TEST_REQUIRE(ahead.of == next_x);
                BOOST_TEST_REQUIRE(c1 == c2);
                const float* lr = wr.z[2].data();
                const double scale_out = max_abs(lr, B * 10);
                for (int i = 0; i < B * 10; ++i)  // both the step's logits and a plain forward pass's
                    worst_out = std::max({worst_out, std::abs(lr[i] - logits_fast[i]) / scale_out,
                                          std::abs(lr[i] - wf.z[2].data()[i]) / scale_out});
                for (int l = 0; l < 3; ++l) {
                    const Tensor& dW = ref.layers[l].dW;
                    const std::vector<float>& gf = grads_fast[2 - l];
                    const double scale = max_abs(dW.data(), dW.size());
                    for (std::size_t i = 0; i < dW.size(); ++i)
                        worst_grad = std::max(worst_grad, std::abs(dW.data()[i] - gf[i]) / scale);
                }
            }
            BOOST_TEST_MESSAGE(k->name << " " << activation_name(act) << ": outputs " << worst_out << ", gradients " << worst_grad);
            BOOST_TEST(worst_out < kStepTol, k->name << " " << activation_name(act) << ": outputs off by " << worst_out);
            BOOST_TEST(worst_grad < kStepTol, k->name << " " << activation_name(act) << ": gradients off by " << worst_grad);
        }
}

BOOST_AUTO_TEST_CASE(one_epoch_same_accuracy) {
    const MnistData data = load_mnist_dir(wi_test::sample_dir(), "sample");
    for (Activation act : {Activation::None, Activation::Relu}) {
        double acc[2];
        for (int path = 0; path < 2; ++path) {
            Mlp m = make_mlp({784, 32, 32, 10}, act);
            Rng rng(1);
            initialize(m, parse_init("xavier"), BiasPolicy{}, rng);
            TrainOptions opt;
            opt.epochs = 1;
            opt.print = false;
            opt.backend = path == 0 ? Backend::reference() : Backend::choose("simd");
            acc[path] = train(m, data, opt, stdout).epochs.back().test.accuracy;
        }
        BOOST_TEST(std::abs(acc[0] - acc[1]) <= 0.005, activation_name(act) << ": " << acc[0] << " vs " << acc[1]);
    }
}

BOOST_AUTO_TEST_SUITE_END()
