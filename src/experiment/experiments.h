// experiments.h - `wi experiment NAME`: classic initialization results re-run on MNIST.
//
// An experiment is data: the arms (an initializer on a kind of network) and the sizes to run
// them at (every arm at every depth and learning rate), once for the default run (minutes on
// two cores) and once for --quick (seconds, for the tests), plus a judge that reads the
// measurements, prints the table, draws the figures and compares the outcome with the paper's
// claim. Its runs are a grid (experiment_grid), and every run goes through the same engine as
// `wi --compare` and `wi sweep`: train/compare.cpp builds, initializes and measures each model
// and runs them side by side through the pool's loop (backend/pool_local.h, one run per thread),
// and train/trainer.cpp trains them; traces during training use the trainer's on_steps hook.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../core/outputs.h"
#include "../report/figures.h"
#include "../core/strf.h"
#include "../train/compare.h"

namespace wi {

struct Config;

// One size of an experiment.
struct ExperimentSizes {
    int width = 0;                // hidden units per layer (--width overrides it)
    std::vector<int> depths;      // weight layers (hidden layers + 1); every arm runs at each
    std::vector<double> lrs;      // SGD learning rates; every arm runs at each
    int epochs = 1;               // the most a run trains for
    int batch = 10;
    int train_images = 8000;      // the first N training digits (all of the bundled sample)
    int test_images = 2000;       // the first N test digits
    int trace_every = 0;          // steps between traces of the probe below (0: no traces)
    int trace_images = 256;       // the trace probe: the first N training digits
    double stop_loss = 0;         // > 0: a run ends once its traced loss is at most this
};

// An initializer on a kind of network.
struct Arm {
    std::string label;  // what tables and legends call it
    std::string init;   // an initializer spec, as --init takes it
    std::string bias;   // a --bias policy
    std::string act;    // none | sigmoid | tanh | relu
    bool train = true;  // false: measured at init only
};

// The trace probe run forward (no update) at one step of training.
struct TracePoint {
    long step = 0;
    double loss = 0, accuracy = 0;      // on the trace probe
    std::vector<double> a_mean, a_std;  // per hidden layer: the activations' mean and std
};

// One arm at one depth and learning rate, and what was measured.
struct ExperimentRun {
    Arm arm;
    int depth = 0;
    double lr = 0;
    RunResult result;              // per-layer statistics at init, the training report, diagnosis, seconds
    std::vector<TracePoint> trace; // from step 0, every trace_every steps
    long stopped_at = -1;          // the step whose traced loss reached stop_loss; -1 if none did
};

struct Experiment;

struct ExperimentContext {
    const Experiment& experiment;
    const ExperimentSizes& sizes;
    const MnistData& data;  // already cut to train_images and test_images
    const Probe& probe;     // the first 256 training digits: LSUV's batch and the statistics at init
    FigureOptions fig;
    Backend backend;
    std::uint64_t seed;
    std::FILE* out;
    OutputLog* log;  // each figure is an attempt: one that fails costs neither the other nor the verdict
};

struct Verdict {
    bool reproduced = false;
    std::string numbers;  // the measurements behind it, for the last line
};

struct Experiment {
    const char* name;     // glorot2010, he2015, saxe2014, lsuv
    const char* paper;    // authors, year, title; section and figure
    const char* claim;    // what the paper reports, in one line
    std::vector<Arm> arms;
    ExperimentSizes full, quick;
    // Prints the table, writes the figures, and decides (thresholds in each judge's comments).
    Verdict (*judge)(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx);
};

const std::vector<Experiment>& experiments();
std::string experiment_names();                              // "glorot2010, he2015, saxe2014, lsuv"
const Experiment& find_experiment(const std::string& name);  // throws wi::Error listing the names

// The setup of a run, as run_compare gets it (judges use it to rebuild a run's initial model).
RunSetup experiment_setup(const ExperimentRun& run, const ExperimentContext& ctx);
// An experiment's runs declared as a sweep's grid (src/sweep/grid.h): depth x arm x lr, the
// first axis slowest, arms by their labels. An arm measured at init only (train = false)
// keeps the first learning rate alone.
struct Grid;
Grid experiment_grid(const Experiment& e, const ExperimentSizes& sizes);
// The grid's runs in its order (the table's), an arm measured at init at the first lr only.
std::vector<ExperimentRun> experiment_runs(const Experiment& e, const ExperimentSizes& sizes);
std::vector<int> experiment_arch(int depth, int width);  // {784, width x (depth - 1), 10}

// `wi experiment NAME [--quick]`: runs it, prints the table and the verdict line, writes the
// figures into cfg.out. Returns the exit status.
int run_experiment_command(const Config& cfg, std::FILE* out);

// The judges (one file each).
Verdict judge_glorot2010(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx);
Verdict judge_he2015(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx);
Verdict judge_saxe2014(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx);
Verdict judge_lsuv(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx);

// Shared by the judges: the run of an arm at a depth (and learning rate, when given); nullptr if none.
const ExperimentRun* find_run(const std::vector<ExperimentRun>& runs, const std::string& label, int depth,
                              double lr = 0);
// A trailing mean of v over `window` points (fewer at the start), as the training figures draw it.
std::vector<double> trailing_mean(const std::vector<float>& v, std::size_t window);

}  // namespace wi
