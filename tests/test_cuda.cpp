// test_cuda.cpp - the GPU path against the CPU reference: every kernel against its twin on
// awkward shapes, the fused step (and the per-layer and persistent variants) against the
// reference step for every activation, 100 steps and one epoch of the seed configuration, a
// divergence; and, on any machine, --device without a GPU. Compiled in every build (without
// nvcc, kernels/no_cuda.cpp answers). A case that needs a GPU is skipped where there is none,
// with one line saying so.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "../kernels/wi_cuda.h"
#include "backend/backend.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "backend/gpu_run.h"
#include "init/init.h"
#include "nn/activation.h"
#include "nn/cross_entropy.h"
#include "nn/linear.h"
#include "nn/sgd.h"
#include "test_util.h"
#include "train/trainer.h"

using namespace wi;
using wi_test::kKernelTol;
using wi_test::max_abs;
using wi_test::randn;
using wi_test::worst;

namespace {

// Tolerances: kernels as the SIMD twins, kKernelTol (test_util.h); and for
// expf, logf, tanhf: CUDA's are within 2 ulp (CUDA C Programming Guide, "Mathematical
// Functions"; no fast-math here), glibc's within 1; sigmoid and tanh and their derivatives then
// differ by a few ulp of the result, or of da where 1 - a^2 cancels. 1e-6 is eight ulp at 1.
constexpr double kActTol = 1e-6;
// One training step: z and the weight updates within 1e-5 of the reference's largest (the SIMD
// twins' bound), once both sides' final rounding of W (at most an ulp of W each) is allowed for.
constexpr double kStepTol = 1e-5;
// Many steps: the GPU path's bound, the same as the PyTorch parity check (tests/torch_parity.sh):
// final weights within 1e-3 of the largest, test accuracy within half a percent.
constexpr double kRunTol = 1e-3;
constexpr double kAccuracyTol = 0.005;

const Activation kActs[] = {Activation::None, Activation::Sigmoid, Activation::Tanh, Activation::Relu};
const GpuVariant kVariants[] = {GpuVariant::PerLayer, GpuVariant::Fused, GpuVariant::Persistent};

// Preconditions: the reason a case is skipped goes to stdout as one line, and to Boost's log.
boost::test_tools::assertion_result skip_unless(bool run, boost::unit_test::test_unit_id id, const std::string& why) {
    if (run) return true;
    const std::string name = boost::unit_test::framework::get(id, boost::unit_test::TUT_ANY).p_name;
    std::printf("cuda/%s: skipped: %s\n", name.c_str(), why.c_str());
    boost::test_tools::assertion_result r(false);
    r.message() << why;
    return r;
}
boost::test_tools::assertion_result gpu_here(boost::unit_test::test_unit_id id) {
    return skip_unless(gpu_present(), id, "no GPU (" + gpu_absence() + ")");
}
boost::test_tools::assertion_result no_gpu_here(boost::unit_test::test_unit_id id) {
    return skip_unless(!gpu_present(), id, "a GPU is present (the GPU cases cover --device there)");
}
boost::test_tools::assertion_result cuda_built(boost::unit_test::test_unit_id id) {
    return skip_unless(gpu_compiled(), id, "built without CUDA");
}

#define CUDA_OK(call) BOOST_REQUIRE_MESSAGE((call) == 0, #call << ": " << wi_cuda_error())

// A device buffer, filled from a vector or read back into one.
template <class T>
class Dev {
public:
    explicit Dev(std::size_t n) : n_(n) { CUDA_OK(wi_cuda_alloc(reinterpret_cast<void**>(&p_), n * sizeof(T))); }
    explicit Dev(const std::vector<T>& v) : Dev(v.size()) { CUDA_OK(wi_cuda_to_device(p_, v.data(), n_ * sizeof(T))); }
    ~Dev() { wi_cuda_free(p_); }
    Dev(const Dev&) = delete;
    Dev& operator=(const Dev&) = delete;
    T* get() const { return p_; }
    std::vector<T> read() const {
        std::vector<T> v(n_);
        CUDA_OK(wi_cuda_to_host(v.data(), p_, n_ * sizeof(T)));
        return v;
    }

private:
    T* p_ = nullptr;
    std::size_t n_;
};

// max |a - b| / max |b|, the parity check's measure
double rel_diff(const float* a, const float* b, std::size_t n) {
    double d = 0;
    for (std::size_t i = 0; i < n; ++i) d = std::max(d, std::abs(static_cast<double>(a[i]) - b[i]));
    const double m = max_abs(b, n);
    return m > 0 ? d / m : d;
}

const MnistData& sample() {
    static const MnistData data = load_mnist_dir(wi_test::sample_dir(), "sample");
    return data;
}

Dataset head(const Dataset& d, int n) {
    Dataset h;
    h.count = n;
    h.pixels.assign(d.pixels.begin(), d.pixels.begin() + static_cast<std::size_t>(n) * kImagePixels);
    h.labels.assign(d.labels.begin(), d.labels.begin() + n);
    return h;
}

Mlp xavier_model(const std::vector<int>& sizes, Activation act, std::uint64_t seed) {
    Mlp m = make_mlp(sizes, act);
    Rng rng(seed);
    initialize(m, parse_init("xavier"), BiasPolicy{}, rng);
    return m;
}

Mlp copy_of(const Mlp& m) {
    Mlp c = make_mlp(m.sizes, m.act);
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        c.layers[l].W.copy_from(m.layers[l].W);
        c.layers[l].b.copy_from(m.layers[l].b);
    }
    return c;
}

std::vector<int> shuffled(int n, std::uint64_t seed) {
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    Rng rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    return order;
}

// The reference path over steps first..first+steps-1 of an epoch in `order`.
void cpu_steps(Mlp& m, Workspace& ws, const Dataset& d, const std::vector<int>& order, int B, float lr, int first,
               int steps, std::vector<float>* loss, std::vector<int>* correct) {
    Tensor x(B, kImagePixels);
    std::vector<std::uint8_t> y(B);
    for (int s = first; s < first + steps; ++s) {
        const int n = std::min(B, d.count - s * B);
        const int* idx = order.data() + static_cast<std::size_t>(s) * B;
        normalize_batch(x.data(), d, idx, n);
        for (int i = 0; i < n; ++i) y[i] = d.labels[idx[i]];
        int c = 0;
        loss->push_back(mlp_train_step(m, ws, x.data(), y.data(), n, lr, &c));
        correct->push_back(c);
    }
}

// Weights after a step, per tensor: |gpu - ref| beyond an ulp of W on each side, over the
// largest update the reference made. Returns the worst over the model.
double update_error(const Mlp& before, const Mlp& ref, const Mlp& gpu) {
    double w = 0;
    for (std::size_t l = 0; l < ref.layers.size(); ++l)
        for (int t = 0; t < 2; ++t) {
            const Tensor& b0 = t == 0 ? before.layers[l].W : before.layers[l].b;
            const Tensor& r = t == 0 ? ref.layers[l].W : ref.layers[l].b;
            const Tensor& g = t == 0 ? gpu.layers[l].W : gpu.layers[l].b;
            double largest = 0;
            for (std::size_t i = 0; i < r.size(); ++i)
                largest = std::max(largest, std::abs(static_cast<double>(r.data()[i]) - b0.data()[i]));
            for (std::size_t i = 0; i < r.size(); ++i) {
                const double beyond = std::abs(static_cast<double>(g.data()[i]) - r.data()[i]) -
                                      2 * 0x1.0p-24 * 2 * std::abs(static_cast<double>(r.data()[i]));
                if (largest > 0) w = std::max(w, beyond / largest);
            }
        }
    return w;
}

double weights_rel_diff(const Mlp& a, const Mlp& ref) {
    double w = 0;
    for (std::size_t l = 0; l < ref.layers.size(); ++l) {
        w = std::max(w, rel_diff(a.layers[l].W.data(), ref.layers[l].W.data(), ref.layers[l].W.size()));
        w = std::max(w, rel_diff(a.layers[l].b.data(), ref.layers[l].b.data(), ref.layers[l].b.size()));
    }
    return w;
}

std::string what(const std::vector<int>& sizes, Activation act, int B, GpuVariant v) {
    std::string s;
    for (int w : sizes) s += (s.empty() ? "" : "-") + std::to_string(w);
    return s + " " + activation_name(act) + " batch " + std::to_string(B) + ", " + gpu_variant_name(v);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda)

// ---- on any machine ----

BOOST_AUTO_TEST_CASE(device_flag_without_a_gpu, *boost::unit_test::precondition(no_gpu_here)) {
    const std::string data = " --data '" + wi_test::sample_dir() + "'";
    const wi_test::RunResult cuda = wi_test::run_wi("--device cuda --epochs 1" + data);
    BOOST_TEST(cuda.status == 2, cuda.err);
    BOOST_TEST(cuda.out.empty(), "nothing on stdout, got: " << cuda.out);
    BOOST_TEST(cuda.err.rfind("wi: --device cuda: ", 0) == 0u, cuda.err);
    BOOST_TEST(std::count(cuda.err.begin(), cuda.err.end(), '\n') == 1, cuda.err);
    const wi_test::RunResult autod = wi_test::run_wi("--device auto --epochs 0" + data);
    BOOST_TEST(autod.status == 0, autod.err);
    const std::string said = gpu_compiled() ? ", no GPU found (--device auto), " : ", built without CUDA (--device auto), ";
    const bool on_cpu = autod.out.find("path: simd (") != std::string::npos || autod.out.find("path: reference") != std::string::npos;
    BOOST_TEST(on_cpu, autod.out);
    BOOST_TEST(autod.out.find(said) != std::string::npos, autod.out);
    const wi_test::RunResult bad = wi_test::run_wi("--device gpu" + data);
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(bad.err.find("--device: unknown device 'gpu'") != std::string::npos, bad.err);
}

// The shared-memory budget the README and mlp_step.cu quote, computed by the plan itself.
BOOST_AUTO_TEST_CASE(fused_plan_budget, *boost::unit_test::precondition(cuda_built)) {
    const int seed_shape[] = {784, 32, 32, 10}, wide[] = {784, 256, 256, 10};
    std::size_t need = 0, limit = 0;
    CUDA_OK(wi_cuda_fused_smem(3, seed_shape, 4, WI_ACT_NONE, &need, &limit));
    // The plan depends on the GPU only through whether batch 4's images fit as floats in its
    // shared memory; without a GPU (limit 0) it is made for a Hopper's 227 KB.
    const std::size_t room = limit != 0 ? limit : 232448;
    if (room >= 121888)
        BOOST_TEST(need == 121888u);  // 26,506 parameters + 12.5 KB of float images + activations
    else  // the images as bytes, 3 KB instead of 12.5, and that fits
        BOOST_TEST((need < 121888u && need <= room), need << " bytes planned for " << room);
    CUDA_OK(wi_cuda_fused_smem(3, seed_shape, 64, WI_ACT_NONE, &need, &limit));
    BOOST_TEST(need == 193600u);  // the images as bytes: 50 KB instead of 200
    CUDA_OK(wi_cuda_fused_smem(3, seed_shape, 64, WI_ACT_RELU, &need, &limit));
    BOOST_TEST(need == 209984u);  // plus a_l beside z_l
    CUDA_OK(wi_cuda_fused_smem(3, wide, 64, WI_ACT_RELU, &need, &limit));
    BOOST_TEST(need > std::max<std::size_t>(room, 232448u));  // 1 MB of weights: the per-layer kernels
}

// ---- with a GPU ----

BOOST_AUTO_TEST_CASE(linear_kernels_match_their_twins, *boost::unit_test::precondition(gpu_here)) {
    const int Bs[] = {1, 3, 5, 33, 64}, ins[] = {1, 7, 33, 784}, outs[] = {1, 10, 33, 257};
    Rng rng(31);
    for (int B : Bs)
        for (int in : ins)
            for (int out : outs) {
                const auto x = randn(B * in, rng), W = randn(out * in, rng), b = randn(out, rng), dy = randn(B * out, rng);
                std::vector<float> y_ref(B * out), dW_ref(out * in), db_ref(out), dx_ref(B * in);
                linear_forward(y_ref.data(), x.data(), W.data(), b.data(), B, in, out);
                linear_backward(dW_ref.data(), db_ref.data(), dx_ref.data(), dy.data(), x.data(), W.data(), B, in, out);
                Dev<float> dx_(x), dW_(W), db_(b), ddy(dy), dy_out(B * out), ddx(B * in), ddW(out * in), ddb(out);
                CUDA_OK(wi_cuda_linear_forward(dy_out.get(), dx_.get(), dW_.get(), db_.get(), B, in, out));
                CUDA_OK(wi_cuda_linear_backward_input(ddx.get(), ddy.get(), dW_.get(), B, in, out));
                CUDA_OK(wi_cuda_linear_backward_weights(ddW.get(), ddb.get(), ddy.get(), dx_.get(), B, in, out));
                const auto y = dy_out.read(), dx = ddx.read(), dW = ddW.read(), db = ddb.read();
                const wi_test::LinearMagnitudes mag = wi_test::linear_magnitudes(x, W, b, dy, B, in, out);
                const std::vector<double>& sy = mag.y;
                const std::vector<double>& sdx = mag.dx;
                const std::vector<double>& sdw = mag.dW;
                const std::vector<double>& sdb = mag.db;
                const std::string shape = "B=" + std::to_string(B) + " in=" + std::to_string(in) + " out=" + std::to_string(out);
                BOOST_TEST_REQUIRE(worst(y, y_ref, sy) < kKernelTol, shape << " forward");
                BOOST_TEST_REQUIRE(worst(dx, dx_ref, sdx) < kKernelTol, shape << " dx");
                BOOST_TEST_REQUIRE(worst(dW, dW_ref, sdw) < kKernelTol, shape << " dW");
                BOOST_TEST_REQUIRE(worst(db, db_ref, sdb) < kKernelTol, shape << " db");
            }
}

BOOST_AUTO_TEST_CASE(elementwise_kernels_match_their_twins, *boost::unit_test::precondition(gpu_here)) {
    Rng rng(32);
    for (int n : {1, 255, 257, 1000, 4099}) {
        std::vector<float> z = randn(n, rng, 3.0), da = randn(n, rng);
        z[0] = 0.0f;  // relu's kink, sigmoid's and tanh's middle
        if (n > 4) z[1] = 30.0f, z[2] = -30.0f, z[3] = 100.0f, z[4] = -100.0f;  // saturation and overflow of exp
        for (Activation act : kActs) {
            const int code = static_cast<int>(act);
            std::vector<float> a_ref(n), dz_ref(n);
            activation_forward(a_ref.data(), z.data(), n, act);
            activation_backward(dz_ref.data(), da.data(), z.data(), a_ref.data(), n, act);
            Dev<float> dz_(z), da_(da), dA(a_ref), out(n), back(n);
            CUDA_OK(wi_cuda_activation_forward(out.get(), dz_.get(), n, code));
            CUDA_OK(wi_cuda_activation_backward(back.get(), da_.get(), dz_.get(), dA.get(), n, code));
            const auto a = out.read(), dz = back.read();
            std::vector<double> sa(n), sd(n);
            for (int i = 0; i < n; ++i) {
                sa[i] = std::max(std::abs(static_cast<double>(a_ref[i])), 1e-30);
                sd[i] = std::abs(static_cast<double>(dz_ref[i])) + std::abs(static_cast<double>(da[i])) + 1e-30;
            }
            BOOST_TEST_REQUIRE(worst(a, a_ref, sa) < kActTol, activation_name(act) << " forward, n=" << n);
            BOOST_TEST_REQUIRE(worst(dz, dz_ref, sd) < kActTol, activation_name(act) << " backward, n=" << n);
        }
        // SGD: p - lr g rounds once with FMA, twice without: within an ulp of |p| + |lr g|
        const std::vector<float> p = randn(n, rng), g = randn(n, rng);
        std::vector<float> p_ref = p;
        const float lr = 0.01f;
        sgd_step(p_ref.data(), g.data(), n, lr);
        Dev<float> dp(p), dg(g);
        CUDA_OK(wi_cuda_sgd(dp.get(), dg.get(), n, lr));
        std::vector<double> sp(n);
        for (int i = 0; i < n; ++i) sp[i] = std::abs(p[i]) + std::abs(lr * g[i]) + 1e-30;
        BOOST_TEST_REQUIRE(worst(dp.read(), p_ref, sp) < kActTol, "sgd, n=" << n);
    }
}

BOOST_AUTO_TEST_CASE(cross_entropy_kernels_match_their_twins, *boost::unit_test::precondition(gpu_here)) {
    Rng rng(33);
    for (int B : {1, 4, 63, 65, 300})
        for (int C : {1, 2, 10, 33}) {
            std::vector<float> logits = randn(B * C, rng, 4.0);
            std::vector<std::uint8_t> y(B);
            for (int n = 0; n < B; ++n) y[n] = static_cast<std::uint8_t>(rng.below(C));
            if (C > 1) logits[1] = logits[0];  // a tie: the first maximum wins on both
            int hits_ref = 0;
            const float loss_ref = cross_entropy_forward(logits.data(), y.data(), B, C, &hits_ref);
            std::vector<float> d_ref(B * C);
            cross_entropy_backward(d_ref.data(), logits.data(), y.data(), B, C);
            Dev<float> dl(logits), rows(B), grad(B * C);
            Dev<int> hit(B);
            Dev<std::uint8_t> dy(y);
            CUDA_OK(wi_cuda_cross_entropy_forward(rows.get(), hit.get(), dl.get(), dy.get(), B, C));
            CUDA_OK(wi_cuda_cross_entropy_backward(grad.get(), dl.get(), dy.get(), B, C));
            const auto row_loss = rows.read();
            const auto row_hit = hit.read();
            double total = 0;
            int hits = 0;
            for (int n = 0; n < B; ++n) total += row_loss[n], hits += row_hit[n];
            const std::string shape = "B=" + std::to_string(B) + " C=" + std::to_string(C);
            BOOST_TEST_REQUIRE(hits == hits_ref, shape);
            // each row's loss is logsumexp - z[y]: a few ulp of the logits' size
            const double scale = max_abs(logits.data(), logits.size()) + 1.0;
            BOOST_TEST_REQUIRE(std::abs(total / B - loss_ref) < kKernelTol * scale, shape << " loss");
            std::vector<double> sd(B * C, kActTol / B);  // (p - onehot) / B: p within a few ulp
            BOOST_TEST_REQUIRE(worst(grad.read(), d_ref, sd) < 1.0, shape << " dlogits");
        }
}

BOOST_AUTO_TEST_CASE(gather_normalizes_exactly_as_the_cpu, *boost::unit_test::precondition(gpu_here)) {
    const Dataset& d = sample().train;
    const std::vector<int> idx = {7, 0, 4095, 12, d.count - 1};
    const int B = static_cast<int>(idx.size());
    std::vector<float> ref(static_cast<std::size_t>(B) * kImagePixels), table(256);
    normalize_batch(ref.data(), d, idx.data(), B);
    Dataset bytes;  // the table the GPU gets: normalize_batch of the bytes 0..255
    bytes.count = 1;
    bytes.pixels.assign(kImagePixels, 0);
    for (int p = 0; p < 256; ++p) bytes.pixels[p] = static_cast<std::uint8_t>(p);
    bytes.labels = {0};
    std::vector<float> row(kImagePixels);
    const int zero = 0;
    normalize_batch(row.data(), bytes, &zero, 1);
    std::copy(row.begin(), row.begin() + 256, table.begin());
    Dev<std::uint8_t> pixels(d.pixels);
    Dev<int> didx(idx);
    Dev<float> dtable(table), x(ref.size());
    CUDA_OK(wi_cuda_gather(x.get(), pixels.get(), didx.get(), B, kImagePixels, dtable.get()));
    BOOST_TEST(x.read() == ref);  // the same table: bit for bit
}

// One step of each variant against the reference step, every activation, the seed's shape and
// an odd one (widths and batch not multiples of anything, a hidden layer wider than a warp).
BOOST_AUTO_TEST_CASE(one_step_matches_the_reference_step, *boost::unit_test::precondition(gpu_here)) {
    const Dataset d = head(sample().train, 64);
    const std::vector<int> order = shuffled(d.count, 5);
    const float lr = 0.01f;
    for (const auto& shape : {std::vector<int>{784, 32, 32, 10}, std::vector<int>{784, 33, 17, 10}})
        for (int B : {4, 5})
            for (Activation act : kActs)
                for (GpuVariant v : kVariants) {
                    const std::string name = what(shape, act, B, v);
                    const Mlp start = xavier_model(shape, act, 9);
                    Mlp ref = copy_of(start), gpu_m = copy_of(start);
                    Workspace wr = make_workspace(ref, B), wg = make_workspace(gpu_m, B);
                    std::vector<float> loss_ref;
                    std::vector<int> correct_ref;
                    cpu_steps(ref, wr, d, order, B, lr, 0, 1, &loss_ref, &correct_ref);
                    GpuRun run(start, d, B, lr, v);
                    BOOST_TEST_REQUIRE(static_cast<int>(run.variant()) == static_cast<int>(v), name);
                    run.set_order(order);
                    float loss = 0;
                    int correct = 0;
                    BOOST_TEST_REQUIRE(run.run(0, 1, &loss, &correct) == 1, name);
                    run.download(gpu_m);
                    BOOST_TEST_REQUIRE(run.download_outputs(wg) == B, name);
                    BOOST_TEST(correct == correct_ref[0], name);
                    BOOST_TEST(std::abs(loss - loss_ref[0]) <= kStepTol * std::abs(loss_ref[0]), name << ": loss " << loss
                                                                                                      << " vs " << loss_ref[0]);
                    for (std::size_t l = 0; l < shape.size() - 1; ++l) {
                        const std::size_t n = static_cast<std::size_t>(B) * shape[l + 1];
                        BOOST_TEST(rel_diff(wg.z[l].data(), wr.z[l].data(), n) < kStepTol, name << ": z of fc" << l + 1);
                    }
                    const double err = update_error(start, ref, gpu_m);
                    BOOST_TEST(err < kStepTol, name << ": weight updates off by " << err);
                }
}

// A whole small epoch of each variant: a shuffled order, a short last batch (67 = 16 x 4 + 3),
// every step's loss and count, the final weights, and the last step's outputs.
BOOST_AUTO_TEST_CASE(a_small_epoch_matches_the_reference, *boost::unit_test::precondition(gpu_here)) {
    const Dataset d = head(sample().train, 67);
    const std::vector<int> order = shuffled(d.count, 6);
    const int B = 4, steps = (d.count + B - 1) / B;
    for (Activation act : kActs)
        for (GpuVariant v : kVariants) {
            const std::string name = what({784, 32, 32, 10}, act, B, v);
            const Mlp start = xavier_model({784, 32, 32, 10}, act, 10);
            Mlp ref = copy_of(start), gpu_m = copy_of(start);
            Workspace wr = make_workspace(ref, B), wg = make_workspace(gpu_m, B);
            std::vector<float> loss_ref, loss(steps);
            std::vector<int> correct_ref, correct(steps);
            cpu_steps(ref, wr, d, order, B, 0.01f, 0, steps, &loss_ref, &correct_ref);
            GpuRun run(start, d, B, 0.01f, v);
            run.set_order(order);
            // two chunks, split unevenly, as the trainer may
            BOOST_TEST_REQUIRE(run.run(0, 5, loss.data(), correct.data()) == 5, name);
            BOOST_TEST_REQUIRE(run.run(5, steps - 5, loss.data() + 5, correct.data() + 5) == steps - 5, name);
            run.download(gpu_m);
            BOOST_TEST_REQUIRE(run.download_outputs(wg) == 3, name);  // the short batch
            for (int s = 0; s < steps; ++s) {
                BOOST_TEST(correct[s] == correct_ref[s], name << ", step " << s);
                BOOST_TEST(std::abs(loss[s] - loss_ref[s]) <= 1e-4 * std::abs(loss_ref[s]), name << ", step " << s);
            }
            BOOST_TEST(weights_rel_diff(gpu_m, ref) < 1e-4, name);
            BOOST_TEST(rel_diff(wg.z[2].data(), wr.z[2].data(), 3 * 10) < 1e-4, name << ": last logits");
        }
}

// The GPU path's check: 100 steps of the seed configuration on each variant, final weights within
// 1e-3 of the CPU path.
BOOST_AUTO_TEST_CASE(hundred_steps_of_the_seed_configuration, *boost::unit_test::precondition(gpu_here)) {
    const Dataset d = head(sample().train, 400);
    const std::vector<int> order = shuffled(d.count, 7);
    for (GpuVariant v : kVariants) {
        const Mlp start = xavier_model({784, 32, 32, 10}, Activation::None, 1);
        Mlp ref = copy_of(start), gpu_m = copy_of(start);
        Workspace wr = make_workspace(ref, 4);
        std::vector<float> loss_ref, loss(100);
        std::vector<int> correct_ref, correct(100);
        cpu_steps(ref, wr, d, order, 4, 0.001f, 0, 100, &loss_ref, &correct_ref);
        GpuRun run(start, d, 4, 0.001f, v);
        run.set_order(order);
        BOOST_TEST_REQUIRE(run.run(0, 100, loss.data(), correct.data()) == 100);
        run.download(gpu_m);
        const double diff = weights_rel_diff(gpu_m, ref);
        BOOST_TEST_MESSAGE(gpu_variant_name(v) << ": 100 steps, weights within " << diff);
        BOOST_TEST(diff < kRunTol, gpu_variant_name(v) << ": " << diff);
    }
}

// One epoch of the seed configuration through the trainer (--device cuda's path: chunks, test
// points every 200 steps), against the reference path: weights, test accuracy, the test curve.
BOOST_AUTO_TEST_CASE(one_epoch_through_the_trainer, *boost::unit_test::precondition(gpu_here)) {
    const Mlp start = xavier_model({784, 32, 32, 10}, Activation::None, 1);
    Mlp cpu_m = copy_of(start), gpu_m = copy_of(start);
    TrainOptions opt;
    opt.epochs = 1;
    opt.print = false;
    opt.eval_every = 200;
    opt.backend = Backend::reference();
    const TrainReport cpu = train(cpu_m, sample(), opt, stdout);
    opt.backend = Backend::choose("simd", "cuda");
    BOOST_TEST_REQUIRE(opt.backend.on_gpu());
    const TrainReport gpu = train(gpu_m, sample(), opt, stdout);
    BOOST_TEST_REQUIRE(gpu.epochs.size() == 1u);
    const double diff = weights_rel_diff(gpu_m, cpu_m);
    BOOST_TEST_MESSAGE("one epoch: weights within " << diff << ", test accuracy " << gpu.epochs[0].test.accuracy
                                                    << " vs " << cpu.epochs[0].test.accuracy);
    BOOST_TEST(diff < kRunTol);
    BOOST_TEST(std::abs(gpu.epochs[0].test.accuracy - cpu.epochs[0].test.accuracy) <= kAccuracyTol);
    BOOST_TEST(std::abs(gpu.epochs[0].loss - cpu.epochs[0].loss) <= 1e-3 * cpu.epochs[0].loss);
    BOOST_TEST_REQUIRE(gpu.test_curve.size() == cpu.test_curve.size());
    for (std::size_t i = 0; i < cpu.test_curve.size(); ++i) {
        BOOST_TEST(gpu.test_curve[i].step == cpu.test_curve[i].step);
        BOOST_TEST(std::abs(gpu.test_curve[i].accuracy - cpu.test_curve[i].accuracy) <= kAccuracyTol);
    }
    BOOST_TEST(gpu.step_loss.size() == cpu.step_loss.size());
}

// A diverging run stops at the same step on the GPU, names where the non-finite numbers are,
// and leaves the diverged step's weights, as on the CPU.
BOOST_AUTO_TEST_CASE(divergence_is_reported_as_on_the_cpu, *boost::unit_test::precondition(gpu_here)) {
    for (GpuVariant v : {GpuVariant::Auto, GpuVariant::PerLayer}) {
        Mlp start = make_mlp({784, 32, 32, 10}, Activation::None);
        Rng rng(1);
        initialize(start, parse_init("unusual"), BiasPolicy{}, rng);
        const Dataset d = head(sample().train, 400);
        std::vector<int> order(d.count);
        std::iota(order.begin(), order.end(), 0);
        Mlp ref = copy_of(start), gpu_m = copy_of(start);
        Workspace wr = make_workspace(ref, 4);
        std::vector<float> loss_ref, loss(100);
        std::vector<int> correct_ref, correct(100);
        cpu_steps(ref, wr, d, order, 4, 0.001f, 0, 100, &loss_ref, &correct_ref);
        int diverged = 0;
        while (diverged < 100 && std::isfinite(loss_ref[diverged])) ++diverged;
        BOOST_TEST_REQUIRE(diverged < 100, "the reference did not diverge");
        GpuRun run(start, d, 4, 0.001f, v);
        const int done = run.run(0, 100, loss.data(), correct.data());
        BOOST_TEST(done == diverged + 1, gpu_variant_name(v) << ": stopped after " << done << ", reference at step "
                                                             << diverged + 1);
        BOOST_TEST_REQUIRE(done < 100);
        BOOST_TEST(!std::isfinite(loss[done - 1]));
        float more = 0;
        int c = 0;
        BOOST_TEST(run.run(done, 1, &more, &c) == 0, "a step after the divergence ran");
    }
    // and through the trainer: the same step, the same place named, non-finite weights kept
    Mlp start = make_mlp({784, 32, 32, 10}, Activation::None);
    Rng rng(1);
    initialize(start, parse_init("unusual"), BiasPolicy{}, rng);
    Mlp cpu_m = copy_of(start), gpu_m = copy_of(start);
    TrainOptions opt;
    opt.epochs = 1;
    opt.print = false;
    opt.backend = Backend::reference();
    const TrainReport cpu = train(cpu_m, sample(), opt, stdout);
    opt.backend = Backend::choose("simd", "cuda");
    const TrainReport gpu = train(gpu_m, sample(), opt, stdout);
    BOOST_TEST_REQUIRE(cpu.diverged);
    BOOST_TEST(gpu.diverged);
    BOOST_TEST(gpu.diverged_step == cpu.diverged_step);
    BOOST_TEST(gpu.fault == cpu.fault, "gpu: " << gpu.fault << "; cpu: " << cpu.fault);
    BOOST_TEST(gpu.step_loss.size() == cpu.step_loss.size());
}

BOOST_AUTO_TEST_CASE(device_cuda_runs_from_the_command_line, *boost::unit_test::precondition(gpu_here)) {
    const std::string data = " --data '" + wi_test::sample_dir() + "'";
    const wi_test::RunResult r = wi_test::run_wi("--init xavier --device cuda --epochs 1" + data);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(r.out.find("path: cuda (") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("Epoch 1 finished with loss: ") != std::string::npos, r.out);
    const wi_test::RunResult again = wi_test::run_wi("--init xavier --device cuda --epochs 1" + data);
    BOOST_TEST(again.out == r.out);  // fixed summation orders, no atomics: the same output
    const wi_test::TempDir out;
    const wi_test::RunResult cmp =
        wi_test::run_wi("--compare xavier,kaiming,zeros --device cuda --epochs 1 --out '" + out.path() + "'" + data);
    BOOST_TEST(cmp.status == 0, cmp.err);
}

BOOST_AUTO_TEST_SUITE_END()
