#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../core/interrupt.h"
#include "../data/idx.h"
#include "../nn/cross_entropy.h"
#include "batch_loader.h"
#include "epoch.h"
#include "observers.h"

namespace wi {

namespace {
constexpr int kEvalChunk = 250;  // samples per evaluation chunk (one workspace per thread)
}  // namespace

long TrainReport::first_step_reaching(double level) const {
    for (const TestPoint& p : test_curve)
        if (p.accuracy >= level) return p.step;
    return -1;
}

EvalResult evaluate(const Mlp& m, const Dataset& d, const Backend& backend) {
    const int chunks = (d.count + kEvalChunk - 1) / kEvalChunk;
    std::vector<double> loss_sum(chunks, 0.0);
    std::vector<int> correct(chunks, -1);  // -1: a chunk a signal made us skip
#pragma omp parallel
    {
        set_flush_denormals();
        Workspace ws = make_workspace(m, kEvalChunk);
        Tensor x(kEvalChunk, kImagePixels);
        int idx[kEvalChunk];
#pragma omp for schedule(static)
        for (int c = 0; c < chunks; ++c) {
            if (interrupt_signal()) continue;  // asked to stop: the rest is skipped (a long evaluation ends soon)
            const int first = c * kEvalChunk;
            const int B = std::min(kEvalChunk, d.count - first);
            std::iota(idx, idx + B, first);
            backend.normalize(x.data(), d, idx, B);
            const float* logits = backend.forward(m, ws, x.data(), B);
            const float mean = cross_entropy_forward(logits, d.labels.data() + first, B, m.sizes.back(), &correct[c]);
            loss_sum[c] = static_cast<double>(mean) * B;
        }
    }
    EvalResult r;
    if (std::find(correct.begin(), correct.end(), -1) != correct.end()) {
        r.interrupted = true;
        return r;
    }
    for (int c = 0; c < chunks; ++c) {
        r.loss += loss_sum[c];
        r.accuracy += correct[c];
    }
    r.loss /= d.count;
    r.accuracy /= d.count;
    return r;
}

TrainReport train(Mlp& m, const MnistData& data, const TrainOptions& opt, std::FILE* out) {
    BatchLoader loader(data.train, opt.batch, opt.shuffle, opt.seed, opt.backend, m);
    Workspace ws = make_workspace(m, opt.batch);  // everything a step touches is allocated here, once
    set_flush_denormals();
    TrainReport report;
    RunState run(m, ws, data, opt, out, report, loader.batches());
    Observers hooks(run, loader.look_ahead());  // stats, traces, progress, divergence, signals
    // The backend's choice: the steps on the GPU, a chunk at a time, or on the CPU's loops.
    std::unique_ptr<GpuEpochs> gpu;
    if (opt.epochs > 0 && opt.backend.on_gpu())
        gpu = std::make_unique<GpuEpochs>(opt.backend.gpu_run(m, data.train, opt.batch, opt.lr));

    hooks.run_begins();
    while (run.going() && run.epoch < opt.epochs) {
        loader.start_epoch();
        hooks.epoch_begins(run.epoch + 1);
        if (gpu)
            gpu->epoch(loader.order(), run, hooks);
        else
            cpu_epoch(loader, run, hooks);
        hooks.epoch_ends();
    }
    return report;
}

}  // namespace wi
