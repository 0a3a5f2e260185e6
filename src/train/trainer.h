// trainer.h - the epoch loop: shuffle, batch, step, the notebook's per-epoch line, test set.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "../backend/backend.h"
#include "../data/mnist.h"
#include "../nn/mlp.h"

namespace wi {

struct TrainOptions {
    int epochs = 3;
    int batch = 4;
    float lr = 0.001f;
    bool shuffle = true;
    std::uint64_t seed = 1;  // the shuffle's generator is derived from it
    bool progress = false;   // draw a progress bar on stderr (an epoch's, with the whole run's ETA)
    std::atomic<long>* steps_done = nullptr;  // if set, one is added per step run (runs side by side)
    Backend backend = Backend::reference();  // which loops run the steps and evaluations
    int eval_every = 0;      // also evaluate the test set every this many steps (0: at epoch ends only)
    bool print = true;       // print the notebook's lines (compare mode collects silently)
    bool test_each_epoch = true;  // evaluate the test set after each epoch (benchmarks time training alone)
    // Called after every completed epoch (1-based), e.g. for --stats; may read and measure m.
    std::function<void(int epoch, Mlp& m)> after_epoch;
    // Called with step 0 before the first step, then after every `every_steps` steps (0: never),
    // e.g. for activation statistics during training; may read and measure m. Returning false
    // ends the run there (that epoch's figures cover the steps run).
    int every_steps = 0;
    std::function<bool(long step, Mlp& m)> on_steps;
};

struct TestPoint {
    long step = 0;  // global step after which the test set was evaluated
    double loss = 0, accuracy = 0;
};

struct EvalResult {
    double loss = 0.0;      // mean cross-entropy over the samples
    double accuracy = 0.0;  // fraction classified right
    bool interrupted = false;  // a signal cut the evaluation short: loss and accuracy were not measured
};

struct EpochStats {
    int epoch = 0;               // 1-based
    int steps = 0;               // batches run (fewer than a full epoch if it diverged)
    double loss = 0.0;           // mean of the batch losses: the notebook's running_loss / len(loader)
    double accuracy = 0.0;       // mean of the batch accuracies
    EvalResult test;             // after the epoch; meaningful only when tested
    bool tested = false;         // the test set was evaluated at the epoch's end (not after a stop)
};

struct TrainReport {
    std::vector<EpochStats> epochs;
    std::vector<float> step_loss;      // every step's batch loss, in order (for training curves)
    std::vector<float> step_accuracy;  // every step's batch accuracy
    std::vector<TestPoint> test_curve;  // every evaluation of the test set, in step order
    bool diverged = false;
    long diverged_step = 0;  // 1-based global step whose loss was not finite
    int diverged_epoch = 0;
    float diverged_loss = 0;  // the NaN or Inf itself
    std::string fault;        // where the first non-finite numbers are, e.g. "fc3 outputs (weights finite)"
    // When the loss stayed finite but a parameter scan (at a test evaluation or an epoch's end)
    // found one that is not, e.g. "fc1.weight[3] = nan"; then diverged_step is the step it was
    // found after. Empty for a divergence of the loss.
    std::string bad_parameter;
    int interrupted_by = 0;   // the signal (SIGINT, SIGTERM) that stopped the run, or 0
    long interrupted_step = 0;  // steps completed when it stopped

    // The first step at which test accuracy reached `level`, or -1 if it never did.
    long first_step_reaching(double level) const;
};

// Mean loss and accuracy of m on all of d. OpenMP across chunks of samples; the sum is
// taken in chunk order, so the result does not depend on the thread count.
EvalResult evaluate(const Mlp& m, const Dataset& d, const Backend& backend = Backend::reference());

// Trains m on data.train, printing the notebook's line per epoch and the test result to out.
// A non-finite loss stops the run: "diverged at step S", where the NaN/Inf first appears,
// and the last finite figures. So does a non-finite parameter behind a finite loss (ReLU
// turns NaN into 0), found by a scan of the parameters before training, before every test
// evaluation and at every epoch's end. SIGINT/SIGTERM (see interrupt.h) stop it at the next step
// boundary with the figures so far.
TrainReport train(Mlp& m, const MnistData& data, const TrainOptions& opt, std::FILE* out);

}  // namespace wi
