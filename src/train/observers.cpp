#include "observers.h"

#include <cmath>
#include <string>

#include "../core/interrupt.h"
#include "../core/outputs.h"

namespace wi {

namespace {

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

// The loss can stay finite while the parameters are not (ReLU turns NaN activations into 0):
// a scan of them wherever the loop reads the model, never per step. True when one is bad.
bool parameters_diverged(RunState& s, const char* when) {
    const std::string bad = first_non_finite(s.m);
    if (bad.empty()) return false;
    TrainReport& report = s.report;
    report.diverged = true;
    report.diverged_step = s.step;
    report.diverged_epoch = s.epoch;
    report.diverged_loss = NAN;
    report.bad_parameter = bad;
    report.fault = "parameter " + bad + " (the loss still finite)";
    if (s.opt.print)
        std::fprintf(s.out, "diverged at step %ld (epoch %d, found %s): parameter %s, although the loss stayed finite\n",
                     s.step, s.epoch, when, bad.c_str());
    return true;
}

// SIGINT/SIGTERM: the run stops at a step boundary, cleanly.
class Interrupts : public Observer {
    void before_step(RunState& s, int batch) override {
        const int sig = interrupt_signal();
        if (sig == 0) return;
        s.report.interrupted_by = sig;
        s.report.interrupted_step = s.step;
        s.finish_bar();
        if (s.opt.print)
            std::fprintf(s.out, "interrupted by %s after step %ld (epoch %d, batch %d of %d)\n", signal_name(sig), s.step,
                         s.epoch, batch, s.batches);
    }
};

// Every step's loss and accuracy, for the training curves (reserved: no growth in the loop).
class StepRecord : public Observer {
    void run_begins(RunState& s) override {
        const std::size_t steps = static_cast<std::size_t>(s.opt.epochs) * s.batches;
        s.report.step_loss.reserve(steps);
        s.report.step_accuracy.reserve(steps);
    }
    void after_step(RunState& s, const StepResult& r) override {
        ++s.step;
        if (s.opt.steps_done != nullptr) s.opt.steps_done->fetch_add(1, std::memory_order_relaxed);
        s.report.step_loss.push_back(r.loss);
        s.report.step_accuracy.push_back(static_cast<float>(r.correct) / r.rows);
    }
};

// A non-finite loss ends the run: where the NaN/Inf first appears.
class LossCheck : public Observer {
    void after_step(RunState& s, const StepResult& r) override {
        if (std::isfinite(r.loss)) return;
        TrainReport& report = s.report;
        report.diverged = true;
        report.diverged_step = s.step;
        report.diverged_epoch = s.epoch;
        report.diverged_loss = r.loss;
        report.fault = locate_fault(s.m, s.ws, r.rows);
        s.finish_bar();
        if (s.opt.print)
            std::fprintf(s.out, "diverged at step %ld (epoch %d, batch %d of %d): loss is %s; first non-finite: %s\n",
                         s.step, s.epoch, r.batch + 1, s.batches, std::isnan(r.loss) ? "nan" : "inf",
                         report.fault.c_str());
    }
};

// The notebook's running_loss and accuracy: means over the epoch's steps.
class EpochFigures : public Observer {
    void epoch_begins(RunState& s) override {
        s.st = EpochStats{};
        s.st.epoch = s.epoch;
        s.loss_sum = s.acc_sum = 0.0;
    }
    void after_step(RunState& s, const StepResult& r) override {
        s.loss_sum += r.loss;
        s.acc_sum += static_cast<double>(r.correct) / r.rows;
        ++s.st.steps;
    }
    void epoch_ends(RunState& s) override {
        if (s.st.steps == 0) return;
        s.st.loss = s.loss_sum / s.st.steps;
        s.st.accuracy = s.acc_sum / s.st.steps;
    }
};

// The epoch's bar on stderr, with the whole run's ETA.
class ProgressBar : public Observer {
    void run_begins(RunState& s) override { s.run_clock.total = static_cast<long>(s.opt.epochs) * s.data.train.count; }
    void epoch_begins(RunState& s) override {
        const long count = s.data.train.count;
        s.bar.reset();  // the last epoch's, finished already
        s.bar = std::make_unique<Progress>("Training iteration " + std::to_string(s.epoch), count, s.opt.progress,
                                           &s.run_clock, static_cast<long>(s.epoch - 1) * count);
    }
    void after_step(RunState& s, const StepResult& r) override { s.bar->update(static_cast<long>(r.first + r.rows)); }
    void epoch_ends(RunState& s) override { s.finish_bar(); }
};

// A scan of the parameters before training and at each epoch's end (and before each test
// evaluation, by TestCurve).
class ParameterScan : public Observer {
    void run_begins(RunState& s) override {
        if (s.opt.epochs > 0) parameters_diverged(s, "before training");
    }
    void epoch_ends(RunState& s) override {
        if (!s.faulted()) parameters_diverged(s, "at the epoch's end");
    }
};

// The test set every eval_every steps (the epoch's end has its own evaluation).
class TestCurve : public Observer {
    void after_step(RunState& s, const StepResult& r) override {
        if (s.opt.eval_every > 0 && s.step % s.opt.eval_every == 0 && r.batch + 1 < s.batches) {
            if (parameters_diverged(s, "before a test evaluation")) return;
            const EvalResult e = evaluate(s.m, s.data.test, s.opt.backend);
            if (!e.interrupted) s.report.test_curve.push_back({s.step, e.loss, e.accuracy});  // else: stops at the next step
        }
    }
};

// The caller's on_steps: at step 0 and every every_steps steps; its no ends the run.
class StepsHook : public Observer {
public:
    explicit StepsHook(LookAhead* ahead) : ahead_(ahead) {}

private:
    void run_begins(RunState& s) override { call(s); }
    void after_step(RunState& s, const StepResult&) override {
        if (s.step % s.opt.every_steps == 0) call(s);
    }
    void call(RunState& s) {
        if (ahead_ != nullptr) ahead_->forget();  // on_steps may change the weights: no look-ahead past it
        if (!s.opt.on_steps(s.step, s.m)) s.stop = true;
    }
    LookAhead* ahead_;
};

// The notebook's per-epoch line and its test set; or how a stopped epoch ended.
class EpochReport : public Observer {
    void epoch_ends(RunState& s) override {
        TrainReport& report = s.report;
        EpochStats& st = s.st;
        const int epoch = s.epoch;
        std::FILE* out = s.out;
        const bool print = s.opt.print;
        if (s.faulted()) {
            if (st.steps > 0 && print)
                std::fprintf(out, "Epoch %d stopped after %d of %d batches with loss: %.4g and accuracy %.3f (%s)\n", epoch,
                             st.steps, s.batches, st.loss, st.accuracy,
                             !report.diverged                ? "the epoch's figures so far"
                             : report.bad_parameter.empty() ? "last finite figures"
                                                            : "figures of steps that made a parameter non-finite");
            if (report.interrupted_by && print) {
                if (epoch > 1)
                    std::fprintf(out, "the last complete epoch is epoch %d\n", epoch - 1);
                else
                    std::fprintf(out, "no epoch completed\n");
            }
        } else {
            if (s.opt.test_each_epoch) {
                st.test = evaluate(s.m, s.data.test, s.opt.backend);
                if (st.test.interrupted) {  // stopped in the epoch's test: the epoch is complete, its test figures are not
                    report.interrupted_by = interrupt_signal();
                    report.interrupted_step = s.step;
                } else {
                    st.tested = true;
                    report.test_curve.push_back({s.step, st.test.loss, st.test.accuracy});
                }
            }
            if (print) {
                std::fprintf(out, "Epoch %d finished with loss: %.3f and accuracy %.3f\n", epoch, st.loss, st.accuracy);
                if (report.interrupted_by)
                    std::fprintf(out,
                                 "interrupted by %s after step %ld, in the test-set evaluation (not measured)\n"
                                 "the last complete epoch is epoch %d (its test set not measured)\n",
                                 signal_name(report.interrupted_by), s.step, epoch);
                else if (st.tested)
                    std::fprintf(out, "        test set: loss %.3f and accuracy %.3f\n", st.test.loss, st.test.accuracy);
            }
        }
        if (s.opt.print && !flush_output(s.out)) s.stop = true;  // standard output is gone: main reports it
        if (st.steps > 0) report.epochs.push_back(st);
    }
};

// The caller's after_epoch, after every completed epoch (e.g. --stats).
class AfterEpoch : public Observer {
    void epoch_ends(RunState& s) override {
        if (!s.faulted()) s.opt.after_epoch(s.epoch, s.m);
    }
};

}  // namespace

Observers::Observers(RunState& state, LookAhead* ahead) : s_(state) {
    // The order is the one the notebook's loop does things in; see the class comment.
    list_.push_back(std::make_unique<Interrupts>());
    list_.push_back(std::make_unique<StepRecord>());
    list_.push_back(std::make_unique<LossCheck>());
    list_.push_back(std::make_unique<EpochFigures>());
    list_.push_back(std::make_unique<ProgressBar>());
    list_.push_back(std::make_unique<ParameterScan>());
    if (state.opt.eval_every > 0) list_.push_back(std::make_unique<TestCurve>());
    if (state.opt.every_steps > 0 && state.opt.on_steps) list_.push_back(std::make_unique<StepsHook>(ahead));
    list_.push_back(std::make_unique<EpochReport>());
    if (state.opt.after_epoch) list_.push_back(std::make_unique<AfterEpoch>());
}

bool Observers::run_begins() {
    for (const auto& o : list_) {
        o->run_begins(s_);
        if (!s_.going()) return false;
    }
    return true;
}

void Observers::epoch_begins(int epoch) {
    s_.epoch = epoch;
    for (const auto& o : list_) o->epoch_begins(s_);
}

bool Observers::may_step(int batch) {
    for (const auto& o : list_) {
        o->before_step(s_, batch);
        if (!s_.going()) return false;
    }
    return true;
}

bool Observers::after_step(const StepResult& r) {
    for (const auto& o : list_) {
        o->after_step(s_, r);
        if (!s_.going()) return false;
    }
    return true;
}

void Observers::epoch_ends() {
    for (const auto& o : list_) o->epoch_ends(s_);
}

}  // namespace wi
