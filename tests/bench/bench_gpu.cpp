// bench_gpu.cpp - the GPU rows of `make bench` (called from bench.cpp): seconds per epoch of the
// per-layer, fused and persistent variants on the seed configuration at batch 4 and 64 and on
// 784-256-256-10 relu at batch 64, an epoch through the trainer as --device cuda runs it, and
// --compare of 10 inits on the GPU, one stream per run. Prints "GPU: none, skipped" without one.
//
// A variant's epoch is timed from the upload of the epoch's order to the last step's losses
// back on the host (the weights and the data are already on the device, as in every epoch but
// the first); median of `reps` epochs after a warm-up epoch.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "bench_gpu.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "core/error.h"
#include "backend/gpu_run.h"
#include "init/init.h"
#include "train/compare.h"
#include "train/trainer.h"

namespace wi {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct GpuConfig {
    std::string name;
    std::vector<int> arch;
    Activation act;
    int batch;
    const char* init;
};

Mlp model_for(const GpuConfig& c) {
    Mlp m = make_mlp(c.arch, c.act);
    Rng rng(1);
    initialize(m, parse_init(c.init), BiasPolicy{}, rng);
    return m;
}

// Median seconds of one epoch of `variant`, or -1 when the variant cannot run this shape.
double time_variant(const GpuConfig& c, const Dataset& train, GpuVariant variant, int reps, std::string* why) {
    const Mlp m = model_for(c);
    try {
        GpuRun run(m, train, c.batch, 0.001f, variant);
        std::vector<int> order(train.count);
        std::iota(order.begin(), order.end(), 0);
        Rng rng(7);
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        const int steps = run.steps_per_epoch();
        std::vector<float> loss(steps);
        std::vector<int> correct(steps);
        std::vector<double> t;
        for (int r = 0; r <= reps; ++r) {  // r == 0: warm-up
            const auto t0 = std::chrono::steady_clock::now();
            run.set_order(order);
            run.run(0, steps, loss.data(), correct.data());
            if (r > 0) t.push_back(seconds_since(t0));
        }
        std::sort(t.begin(), t.end());
        return t[t.size() / 2];
    } catch (const Error& e) {
        *why = e.what();
        return -1;
    }
}

double flops_per_image(const std::vector<int>& arch) {
    double macs = 0;
    for (std::size_t l = 0; l + 1 < arch.size(); ++l) macs += (l == 0 ? 2.0 : 3.0) * arch[l] * arch[l + 1];
    return 2 * macs;
}


}  // namespace

void gpu_bench(const MnistData& base, int images, int reps, const std::string& only, bool extras) {
    if (!gpu_present()) {
        std::printf("\nGPU: none, skipped (%s)\n", gpu_absence().c_str());
        return;
    }
    const Dataset set = tile(base.train, images);
    std::printf("\nGPU: %s; %d training images per epoch, median of %d epochs after a warm-up, order upload to "
                "losses back\n",
                gpu_name().c_str(), images, reps);
    const std::vector<GpuConfig> configs = {
        {"784-32-32-10 none b4", {784, 32, 32, 10}, Activation::None, 4, "xavier"},
        {"784-32-32-10 none b64", {784, 32, 32, 10}, Activation::None, 64, "xavier"},
        {"784-256-256-10 relu b64", {784, 256, 256, 10}, Activation::Relu, 64, "kaiming"},
    };
    std::printf("| configuration | GPU variant | s/epoch | images/s | GFLOP/s | us/step |\n|---|---|---|---|---|---|\n");
    for (const GpuConfig& c : configs) {
        if (!only.empty() && c.name.find(only) == std::string::npos) continue;
        const int steps = (images + c.batch - 1) / c.batch;
        for (GpuVariant v : {GpuVariant::PerLayer, GpuVariant::Fused, GpuVariant::Persistent}) {
            std::string why;
            const double t = time_variant(c, set, v, reps, &why);
            if (t < 0)
                std::printf("| %s | %s | - | - | - | - |  (%s)\n", c.name.c_str(), gpu_variant_name(v), why.c_str());
            else
                std::printf("| %s | %s | %.4f | %.0f | %.1f | %.2f |\n", c.name.c_str(), gpu_variant_name(v), t, images / t,
                            flops_per_image(c.arch) * images / t / 1e9, 1e6 * t / steps);
            std::fflush(stdout);
        }
        // the whole of `wi --device cuda` for one epoch: upload, chunks, weights read back
        MnistData data;
        data.train = tile(base.train, images);
        std::vector<double> t;
        for (int r = 0; r <= reps; ++r) {
            Mlp m = model_for(c);
            TrainOptions opt;
            opt.epochs = 1;
            opt.batch = c.batch;
            opt.print = false;
            opt.test_each_epoch = false;
            opt.backend = Backend::choose("simd", "cuda");
            const auto t0 = std::chrono::steady_clock::now();
            wi::train(m, data, opt, stdout);
            if (r > 0) t.push_back(seconds_since(t0));
        }
        std::sort(t.begin(), t.end());
        const double te = t[t.size() / 2];
        std::printf("| %s | trainer, --device cuda (%s) | %.4f | %.0f | %.1f | %.2f |\n", c.name.c_str(),
                    gpu_plan_text(c.arch, c.act, c.batch).c_str(), te, images / te,
                    flops_per_image(c.arch) * images / te / 1e9, 1e6 * te / steps);
        std::fflush(stdout);
    }
    if (!extras) return;

    // --compare of 10 inits on the GPU: each run its own GpuRun and stream, one host thread each
    MnistData full;
    full.train = tile(base.train, images);
    full.test = base.test;
    const Probe probe = make_probe(full.train);
    const std::vector<RunSetup> setups = compare_setups(Backend::choose("simd", "cuda"));
    set_threads(10);
    run_compare(setups, full, probe);  // warm-up
    double t_compare[2] = {};
    for (int k = 0; k < 2; ++k) {
        set_threads(k == 0 ? 1 : 10);
        const auto t0 = std::chrono::steady_clock::now();
        run_compare(setups, full, probe);
        t_compare[k] = seconds_since(t0);
    }
    set_threads(1);
    std::printf("\n--compare of 10 inits, 1 epoch, batch 4, on the GPU: %.3f s one run at a time, %.3f s with 10 "
                "host threads (one stream each): %.2fx\n",
                t_compare[0], t_compare[1], t_compare[0] / t_compare[1]);
}

}  // namespace wi
