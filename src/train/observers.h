// observers.h - what watches the training loop: the step figures, divergence, signals, the
// progress bar, test evaluations, the caller's hooks and the notebook's per-epoch lines. The
// loop (trainer.cpp, epoch.cpp) only steps; it calls these at fixed points and stops when one
// of them ends the run.
#pragma once
#include <cstdio>
#include <memory>
#include <vector>

#include "../cpu/mlp_fast.h"
#include "../report/progress.h"
#include "trainer.h"

namespace wi {

// What the loop and its observers share: the run's inputs, the report being written and
// where the run is.
struct RunState {
    RunState(Mlp& model, Workspace& work, const MnistData& d, const TrainOptions& o, std::FILE* f, TrainReport& r,
             int batches_per_epoch)
        : m(model), ws(work), data(d), opt(o), out(f), report(r), batches(batches_per_epoch) {}
    Mlp& m;
    Workspace& ws;
    const MnistData& data;
    const TrainOptions& opt;
    std::FILE* out;
    TrainReport& report;
    int batches = 0;   // per epoch
    long step = 0;     // steps run in the whole run
    int epoch = 0;     // the epoch running (1-based), 0 before the first
    EpochStats st;     // the epoch's figures so far
    double loss_sum = 0.0, acc_sum = 0.0;
    bool stop = false;  // ended by a caller's hook or a lost standard output (not a fault)
    std::unique_ptr<Progress> bar;  // this epoch's
    RunClock run_clock;             // the whole run's ETA beside the epoch's

    bool faulted() const { return report.diverged || report.interrupted_by != 0; }
    bool going() const { return !stop && !faulted(); }
    void finish_bar() const {
        if (bar) bar->finish();
    }
};

// A step's outcome, as the loop hands it to the observers.
struct StepResult {
    int batch = 0;  // 0-based within the epoch
    int first = 0;  // the batch's first sample's place in the epoch's order
    int rows = 0;
    float loss = 0.0f;
    int correct = 0;
};

class Observer {
public:
    virtual ~Observer() = default;
    virtual void run_begins(RunState&) {}
    virtual void epoch_begins(RunState&) {}
    virtual void before_step(RunState&, int /*batch*/) {}
    virtual void after_step(RunState&, const StepResult&) {}
    virtual void epoch_ends(RunState&) {}
};

// The run's observers, called in a fixed order. At the run's start, before and after a step,
// the first one to end the run (a divergence, a signal, a hook's no) is the last one called;
// at an epoch's end every one is called, and each reads how the epoch ended.
class Observers {
public:
    // The standard set for a run of state.opt. ahead: the look-ahead a weight change outside a
    // step must forget (null without one).
    Observers(RunState& state, LookAhead* ahead);
    bool run_begins();               // false: the run ends before its first step
    void epoch_begins(int epoch);
    bool may_step(int batch);        // false: stop before this batch (0-based) runs
    bool after_step(const StepResult& r);  // false: the epoch ends here
    void epoch_ends();

private:
    RunState& s_;
    std::vector<std::unique_ptr<Observer>> list_;
};

}  // namespace wi
