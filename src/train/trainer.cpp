#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../data/idx.h"
#include "../backend/gpu_run.h"
#include "../core/interrupt.h"
#include "../core/outputs.h"
#include "../nn/cross_entropy.h"
#include "../report/progress.h"
#include "../core/rng.h"
#include "shuffle.h"

namespace wi {

namespace {
constexpr int kEvalChunk = 250;  // samples per evaluation chunk (one workspace per thread)

bool all_finite(const float* v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i])) return false;
    return true;
}

// After a non-finite loss: the first layer whose outputs this step were not finite, and
// whether any weights already were. Runs once per run, so it may scan everything.
std::string locate_fault(const Mlp& m, const Workspace& ws, int B) {
    std::string where = "the loss alone (every layer's outputs finite)";
    for (std::size_t l = 0; l < m.layers.size(); ++l)
        if (!all_finite(ws.z[l].data(), static_cast<std::size_t>(B) * m.layers[l].out)) {
            where = "fc" + std::to_string(l + 1) + " outputs";
            break;
        }
    std::string weights;
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& L = m.layers[l];
        if (!all_finite(L.W.data(), L.W.size()) || !all_finite(L.b.data(), L.b.size()))
            weights += (weights.empty() ? "" : ", ") + std::string("fc") + std::to_string(l + 1);
    }
    return where + (weights.empty() ? " (weights finite before the step)" : "; non-finite parameters now in " + weights);
}

// On the GPU: runs the epoch's steps from batch b up to the next point where the loop reads the
// model (a test-set evaluation, an on_steps call, the epoch's end), at most a 50th of an epoch
// at a time so the progress bar moves and a signal is answered soon. Their losses and correct
// counts land in loss and correct. m receives the weights at those points and after a
// divergence, when ws also receives the diverged step's outputs. Returns the batch after the chunk.
int run_gpu_chunk(GpuRun& gpu, const TrainOptions& opt, int b, int batches, long step, std::vector<float>& loss,
                  std::vector<int>& correct, Mlp& m, Workspace& ws) {
    int end = std::min(batches, b + std::max(1, batches / 50));
    bool read_m = end == batches;
    for (const int every : {opt.eval_every, opt.every_steps})
        if (every > 0 && b + (every - step % every) <= end) {  // the next multiple of every comes first
            end = static_cast<int>(b + (every - step % every));
            read_m = true;
        }
    loss.resize(end - b);  // allocates in the first chunk only
    correct.resize(end - b);
    const int done = gpu.run(b, end - b, loss.data(), correct.data());
    if (done < end - b) gpu.download_outputs(ws);  // for locate_fault
    if (read_m || done < end - b) gpu.download(m);
    return end;
}
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
    const Dataset& train_set = data.train;
    const int B = opt.batch;
    const int batches = (train_set.count + B - 1) / B;  // the last batch may be short, as DataLoader's

    // Everything a step touches is allocated here, once.
    Workspace ws = make_workspace(m, B);
    // Two input buffers: the step's own and the next step's, normalized a step early so the
    // backend may compute the next batch's first layer while it updates that layer.
    Tensor xs[2] = {Tensor(B, kImagePixels), Tensor(B, kImagePixels)};
    std::vector<std::uint8_t> y(B);
    std::vector<int> order(train_set.count);
    std::iota(order.begin(), order.end(), 0);
    Rng rng = shuffle_rng(opt.seed);

    set_flush_denormals();
    TrainReport report;
    report.step_loss.reserve(static_cast<std::size_t>(opt.epochs) * batches);  // no growth inside the loop
    report.step_accuracy.reserve(static_cast<std::size_t>(opt.epochs) * batches);
    // On the GPU the steps run there, a chunk at a time (weights and data stay on the device);
    // the loop below takes each step's loss and correct count from the chunk.
    const std::unique_ptr<GpuRun> gpu = opt.epochs > 0 ? opt.backend.gpu_run(m, train_set, B, opt.lr) : nullptr;
    std::vector<float> gpu_loss;
    std::vector<int> gpu_correct;
    int gpu_first = 0, gpu_end = 0;  // the chunk's batches of the epoch
    long step = 0;
    // The loss can stay finite while the parameters are not (ReLU turns NaN activations into 0):
    // a scan of them wherever the loop reads the model, never per step. True when one is bad.
    auto parameters_diverged = [&](int epoch, const char* when) {
        const std::string bad = first_non_finite(m);
        if (bad.empty()) return false;
        report.diverged = true;
        report.diverged_step = step;
        report.diverged_epoch = epoch;
        report.diverged_loss = NAN;
        report.bad_parameter = bad;
        report.fault = "parameter " + bad + " (the loss still finite)";
        if (opt.print)
            std::fprintf(out, "diverged at step %ld (epoch %d, found %s): parameter %s, although the loss stayed finite\n",
                         step, epoch, when, bad.c_str());
        return true;
    };
    bool stop = opt.epochs > 0 && parameters_diverged(0, "before training");
    stop = stop || (opt.every_steps > 0 && opt.on_steps && !opt.on_steps(0, m));  // on_steps asked to end the run
    RunClock run_clock;  // the whole run's ETA beside the epoch's
    run_clock.total = static_cast<long>(opt.epochs) * train_set.count;
    for (int epoch = 1; epoch <= opt.epochs && !report.diverged && !report.interrupted_by && !stop; ++epoch) {
        if (opt.shuffle) shuffle_order(order, rng);
        if (gpu) {
            gpu->set_order(order);
            gpu_first = gpu_end = 0;
        }
        Progress bar("Training iteration " + std::to_string(epoch), train_set.count, opt.progress, &run_clock,
                     static_cast<long>(epoch - 1) * train_set.count);
        EpochStats st;
        st.epoch = epoch;
        double loss_sum = 0.0, acc_sum = 0.0;
        for (int b = 0; b < batches; ++b) {
            const bool boundary = !gpu || b == gpu_end;  // on the GPU: once the chunk's steps are all counted
            if (const int sig = boundary ? interrupt_signal() : 0) {  // asked to stop: at a step boundary, cleanly
                if (gpu) gpu->download(m);  // the weights after the last step run
                report.interrupted_by = sig;
                report.interrupted_step = step;
                bar.finish();
                if (opt.print)
                    std::fprintf(out, "interrupted by %s after step %ld (epoch %d, batch %d of %d)\n", signal_name(sig),
                                 step, epoch, b, batches);
                break;
            }
            const int first = b * B;
            const int n = std::min(B, train_set.count - first);
            int correct = 0;
            float loss = 0.0f;
            if (gpu) {  // run on the device with the rest of its chunk
                if (b == gpu_end) {
                    gpu_first = b;
                    gpu_end = run_gpu_chunk(*gpu, opt, b, batches, step, gpu_loss, gpu_correct, m, ws);
                }
                loss = gpu_loss[b - gpu_first];
                correct = gpu_correct[b - gpu_first];
            } else {
                const int* idx = order.data() + first;
                float* x = xs[b % 2].data();
                if (b == 0) opt.backend.normalize(x, train_set, idx, n);  // later ones: the step before
                for (int i = 0; i < n; ++i) y[i] = train_set.labels[idx[i]];
                const int next_n = std::min(B, train_set.count - (first + n));  // 0 after the last batch
                float* next_x = next_n > 0 ? xs[(b + 1) % 2].data() : nullptr;
                if (next_x) opt.backend.normalize(next_x, train_set, idx + n, next_n);
                // The batches to come sit at random places in the data set: ask for the one three
                // steps ahead now, so it is in cache when its turn to be normalized comes (one step
                // ahead is too late to hide a TLB miss and a memory access behind a batch-4 step).
                for (int i = first + n + next_n + B; i < std::min(first + n + next_n + 2 * B, train_set.count); ++i)
                    for (int off = 0; off < kImagePixels; off += 64)
                        __builtin_prefetch(train_set.pixels.data() + static_cast<std::size_t>(order[i]) * kImagePixels +
                                           off);
                loss = opt.backend.train_step(m, ws, x, y.data(), n, opt.lr, &correct, next_x, next_n);
            }
            ++step;
            if (opt.steps_done != nullptr) opt.steps_done->fetch_add(1, std::memory_order_relaxed);
            report.step_loss.push_back(loss);
            report.step_accuracy.push_back(static_cast<float>(correct) / n);
            if (!std::isfinite(loss)) {
                report.diverged = true;
                report.diverged_step = step;
                report.diverged_epoch = epoch;
                report.diverged_loss = loss;
                report.fault = locate_fault(m, ws, n);
                bar.finish();
                if (opt.print)
                    std::fprintf(out, "diverged at step %ld (epoch %d, batch %d of %d): loss is %s; first non-finite: %s\n",
                                 step, epoch, b + 1, batches, std::isnan(loss) ? "nan" : "inf", report.fault.c_str());
                break;
            }
            loss_sum += loss;
            acc_sum += static_cast<double>(correct) / n;
            ++st.steps;
            bar.update(static_cast<long>(first + n));
            if (opt.eval_every > 0 && step % opt.eval_every == 0 && b + 1 < batches) {
                if (parameters_diverged(epoch, "before a test evaluation")) break;
                const EvalResult r = evaluate(m, data.test, opt.backend);
                if (!r.interrupted) report.test_curve.push_back({step, r.loss, r.accuracy});  // else: stops at the next step
            }
            if (opt.every_steps > 0 && step % opt.every_steps == 0 && opt.on_steps) {
                ws.ahead_x = nullptr;  // on_steps may change the weights: no look-ahead past it
                if (!opt.on_steps(step, m)) {
                    stop = true;
                    break;
                }
            }
        }
        bar.finish();
        if (!report.diverged && !report.interrupted_by) parameters_diverged(epoch, "at the epoch's end");
        if (st.steps > 0) {
            st.loss = loss_sum / st.steps;
            st.accuracy = acc_sum / st.steps;
        }
        if (report.diverged || report.interrupted_by) {
            if (st.steps > 0 && opt.print)
                std::fprintf(out, "Epoch %d stopped after %d of %d batches with loss: %.4g and accuracy %.3f (%s)\n", epoch,
                             st.steps, batches, st.loss, st.accuracy,
                             !report.diverged                ? "the epoch's figures so far"
                             : report.bad_parameter.empty() ? "last finite figures"
                                                            : "figures of steps that made a parameter non-finite");
            if (report.interrupted_by && opt.print) {
                if (epoch > 1)
                    std::fprintf(out, "the last complete epoch is epoch %d\n", epoch - 1);
                else
                    std::fprintf(out, "no epoch completed\n");
            }
        } else {
            if (opt.test_each_epoch) {
                st.test = evaluate(m, data.test, opt.backend);
                if (st.test.interrupted) {  // stopped in the epoch's test: the epoch is complete, its test figures are not
                    report.interrupted_by = interrupt_signal();
                    report.interrupted_step = step;
                } else {
                    st.tested = true;
                    report.test_curve.push_back({step, st.test.loss, st.test.accuracy});
                }
            }
            if (opt.print) {
                std::fprintf(out, "Epoch %d finished with loss: %.3f and accuracy %.3f\n", epoch, st.loss, st.accuracy);
                if (report.interrupted_by)
                    std::fprintf(out,
                                 "interrupted by %s after step %ld, in the test-set evaluation (not measured)\n"
                                 "the last complete epoch is epoch %d (its test set not measured)\n",
                                 signal_name(report.interrupted_by), step, epoch);
                else if (st.tested)
                    std::fprintf(out, "        test set: loss %.3f and accuracy %.3f\n", st.test.loss, st.test.accuracy);
            }
        }
        if (opt.print && !flush_output(out)) stop = true;  // standard output is gone: main reports it
        if (st.steps > 0) report.epochs.push_back(st);
        if (!report.diverged && !report.interrupted_by && opt.after_epoch) opt.after_epoch(epoch, m);
    }
    return report;
}

}  // namespace wi
