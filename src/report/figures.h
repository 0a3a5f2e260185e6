// figures.h - the named figures wi writes as PNG files.
//
//   sigmoid_inits.png    the notebook's plot cell: sigmoid(x) over [-5, 5] and sigmoid(w) for
//                        1,000 initial weights w of each initializer, sampled for a real layer shape
//   sigmoid_grad.png     sigmoid and its derivative, the peak 0.25 at x = 0 marked
//   training_<init>.png  loss and accuracy against iterations, with per-epoch test points
//   weights_<init>.png   a histogram of each layer's initial weights, with the formula's density
//
// Each function draws on a fresh canvas, writes it atomically and returns the file's path and
// where each panel's data lands in pixels (tests read the image back through it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../init/init.h"
#include "axes.h"

namespace wi {

struct FigureOptions {
    std::string out_dir = "out";
    std::string font;  // "" the first Debian font found, "builtin" the built-in one, or a .ttf path
    int width = 1000, height = 700;
};

struct FigureFile {
    std::string path;
    std::vector<Frame> panels;
    std::vector<Rect> table;  // the weights figure's σ table: the box of each cell written, row by row
};

// An initializer as the figures show it: its legend label and the parsed spec.
struct InitChoice {
    std::string label;  // "kaiming_normal", "kaiming_normal:mode=fan_out"
    InitSpec spec;
};

// 1,000 samples of each initializer for a (fan_out, fan_in) layer, shown as sigmoid(w) on the
// sigmoid curve; the legend gives each law's standard deviation for that shape.
FigureFile plot_sigmoid_inits(const FigureOptions& fig, const std::vector<InitChoice>& inits, int fan_in, int fan_out,
                              std::uint64_t seed);

FigureFile plot_sigmoid_grad(const FigureOptions& fig);

// What a training run leaves for its figure (plain numbers: the trainer's report, flattened).
struct TrainingCurves {
    std::vector<double> step_loss, step_accuracy;  // every step, in order
    struct EpochEnd {
        long step = 0;  // the global step the epoch ended at (1-based)
        bool has_test = false;
        double test_loss = 0, test_accuracy = 0;
    };
    std::vector<EpochEnd> epochs;
    long diverged_step = 0;  // 0: the run did not diverge
    std::string caption;     // e.g. "784-32-32-10, batch 4, SGD lr 0.001, seed 1"
};

// name labels the run in titles ("kaiming_normal:mode=fan_out"); file_label names the files
// (training_<file_label>.png, weights_<file_label>.png), so it must be safe in a file name.
FigureFile plot_training(const FigureOptions& fig, const std::string& name, const std::string& file_label,
                         const TrainingCurves& curves);

// One layer's initial weights, W of shape (out, in).
struct LayerWeights {
    std::string name;  // "fc1.weight"
    int in = 0, out = 0;
    std::vector<float> w;
};

// spec is the initializer the weights came from (its density is drawn over each histogram
// when it has one); nullptr for weights loaded from files.
FigureFile plot_weights(const FigureOptions& fig, const std::string& name, const std::string& file_label,
                        const InitSpec* spec, const std::vector<LayerWeights>& layers);

}  // namespace wi
