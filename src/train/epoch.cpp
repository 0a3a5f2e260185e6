#include "epoch.h"

#include <algorithm>

namespace wi {

void cpu_epoch(BatchLoader& loader, RunState& run, Observers& hooks) {
    const Backend& backend = run.opt.backend;
    Batch batch;
    while (loader.next(batch) && hooks.may_step(batch.index)) {
        int correct = 0;
        const float loss = backend.train_step(run.m, run.ws, batch.x, batch.y, batch.rows, run.opt.lr, &correct,
                                              loader.look_ahead());
        if (!hooks.after_step({batch.index, batch.first, batch.rows, loss, correct})) break;
    }
}

void GpuEpochs::epoch(const std::vector<int>& order, RunState& run, Observers& hooks) {
    gpu_->set_order(order);
    const int B = run.opt.batch, count = run.data.train.count;
    for (int b = 0; b < run.batches;) {
        if (!hooks.may_step(b)) {
            gpu_->download(run.m);  // the weights after the last step run
            return;
        }
        const int first = b;
        for (const int end = run_chunk(b, run); b < end; ++b) {
            const int rows = std::min(B, count - b * B);
            if (!hooks.after_step({b, b * B, rows, loss_[b - first], correct_[b - first]})) return;
        }
    }
}

// Runs the epoch's steps from batch b up to the next point where the loop reads the model (a
// test-set evaluation, an on_steps call, the epoch's end), at most a 50th of an epoch at a time
// so the progress bar moves and a signal is answered soon. Their losses and correct counts land
// in loss_ and correct_. run.m receives the weights at those points and after a divergence, when
// run.ws also receives the diverged step's outputs. Returns the batch after the chunk.
int GpuEpochs::run_chunk(int b, RunState& run) {
    const TrainOptions& opt = run.opt;
    const int batches = run.batches;
    const long step = run.step;
    int end = std::min(batches, b + std::max(1, batches / 50));
    bool read_m = end == batches;
    for (const int every : {opt.eval_every, opt.every_steps})
        if (every > 0 && b + (every - step % every) <= end) {  // the next multiple of every comes first
            end = static_cast<int>(b + (every - step % every));
            read_m = true;
        }
    loss_.resize(end - b);  // allocates in the first chunk only
    correct_.resize(end - b);
    const int done = gpu_->run(b, end - b, loss_.data(), correct_.data());
    if (done < end - b) gpu_->download_outputs(run.ws);  // for the fault's location
    if (read_m || done < end - b) gpu_->download(run.m);
    return end;
}

}  // namespace wi
