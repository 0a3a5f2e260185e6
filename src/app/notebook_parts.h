// notebook_parts.h - what the notebook's runs measured, handed from notebook.cpp (which runs
// them and draws the figures) to notebook_cells.cpp (which words the answers). Internal to src/app/.
#pragma once
#include <string>
#include <vector>

#include "../backend/backend.h"
#include "../train/compare.h"
#include "../train/stats.h"
#include "document.h"

namespace wi {

struct Config;

// One layer's weight and bias, summarized (the gradient cell's numbers, or the weights after training).
struct LayerPair {
    TensorSummary w, b;
};

struct NotebookRuns {
    const Config* cfg = nullptr;
    const MnistData* data = nullptr;
    Backend backend = Backend::reference();
    int epochs = 3;           // the notebook's train_model(epochs=3) (1 with --quick)
    int unusual_epochs = 5;   // its unusual-weights cell trains 5 (1 with --quick)
    std::string flags;        // what every reproducing command adds: --data, --seed, --kernel, ...

    std::vector<RunResult> catalog;  // --compare all, activation none, in the catalog's order
    RunResult unusual;               // the unusual-weights cell
    std::vector<RunResult> sigmoid;  // --act sigmoid: xavier_normal, kaiming_normal, randn, default
    std::vector<LayerPair> zeros_after, constant_after;  // the weights after the last epoch (empty: none completed)
    std::vector<LayerPair> grads_zeros, grads_constant, grads_xavier;  // the gradient cell at init
    long parameters = 0;
    double untrained_loss = 0, untrained_accuracy = 0;  // nn.Linear's default init, before training
    double pixel_mean = 0, pixel_std = 0, pixel_min = 0, pixel_max = 0;  // normalized training pixels
    int prior_digit = 0;          // the test set's most frequent digit
    double prior_share = 0;       // and its share: what answering it for every image scores

    // The figures, written before the cells are worded ("" when one could not be drawn).
    std::string fig_zeros, fig_constant, fig_unusual, fig_sigmoid_grad, fig_sigmoid_inits, fig_sigmoid_runs;
};

const RunResult& find_result(const std::vector<RunResult>& results, const std::string& label);

// Wording shared by the cells (notebook_cells.cpp).
constexpr double kChance = 0.2;  // a test accuracy below this has learned nothing to speak of
std::string f3(double v);        // "%.3f"
std::string g3(double v);        // "%.3g"
std::string g4(double v);        // "%.4g"
std::string epochs_flag(int epochs);  // "" for the notebook's 3, else " --epochs N"
std::string command(const NotebookRuns& n, const std::string& args);  // "./wi ARGS" and the run's own flags
std::vector<std::string> diagnosis_lines(const RunResult& r);          // "label: line", or "nothing unusual"

// The cells, in the notebook's order.
DocCell cell_model(const NotebookRuns& n);
DocCell cell_zeros(const NotebookRuns& n);
DocCell cell_constant(const NotebookRuns& n);
DocCell cell_unusual(const NotebookRuns& n);
DocCell cell_sigmoid_grad(const NotebookRuns& n);
DocCell cell_sigmoid_samples(const NotebookRuns& n);
DocCell cell_sigmoid_best(const NotebookRuns& n);
DocCell cell_catalog(const NotebookRuns& n);

// Where sigmoid's gradient sigma'(x) = sigma(x)(1 - sigma(x)) peaks and where it drops below a
// fifth of the peak, found numerically (a grid for the peak, bisection for the drop).
struct SigmoidGradient {
    double peak_x = 0, peak = 0;
    double fifth_x = 0;  // sigma'(x) < peak / 5 for |x| > fifth_x
    int grid_points = 0;
};
SigmoidGradient measure_sigmoid_gradient();

// The init at the top of a ranking by final test accuracy (runs without a measured one are left
// out); for the tests and the answer of cell 7.
struct Ranked {
    std::string label;
    double test_accuracy = 0;
};
std::vector<Ranked> rank_by_test_accuracy(const std::vector<RunResult>& results);

}  // namespace wi
