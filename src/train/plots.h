// plots.h - the figure jobs: `wi plot sigmoid|sigmoid-grad`, and --plots after a training run.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "../cli/cli.h"
#include "../init/init.h"
#include "../core/outputs.h"
#include "../report/figures.h"
#include "trainer.h"

namespace wi {

// `wi plot NAME`: writes the figure into cfg.out and prints "wrote PATH". Needs no data.
int run_plot_command(const Config& cfg, std::FILE* out);

// A training run's initial weights, copied before training changes them.
std::vector<LayerWeights> capture_weights(const Mlp& m);

// After a training run with --plots: training_<file_label>.png and weights_<file_label>.png in
// cfg.out. name labels the run in titles; spec is the initializer the weights came from,
// nullptr when they were loaded from files. Each figure is an attempt in log (one that fails
// leaves the other); a signal beyond the first seen stops them (Interrupted).
void write_run_figures(const Config& cfg, const std::string& name, const std::string& file_label, const InitSpec* spec,
                       const std::vector<LayerWeights>& initial, const TrainReport& report, std::FILE* out,
                       OutputLog& log, int seen);

// A training report as the training figure draws it: the step curves and, at each epoch's
// end, the test point where the test set was evaluated (none after a stop or a divergence).
TrainingCurves curves_of(const TrainReport& report);

// Where figures go and which font they use: cfg.out, and WI_FONT from the environment
// ("builtin" forces the built-in font, a path picks a TrueType file).
FigureOptions figure_options(const Config& cfg);

}  // namespace wi
