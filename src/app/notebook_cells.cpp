// notebook_cells.cpp - each cell of the notebook answered from the numbers its runs measured.
//
// Nothing here is canned: every sentence that states a result is chosen by comparing measured
// numbers (a loss against ln 10, an accuracy against the class prior, a count of distinct rows
// against the layer's width, one init's accuracy against another's), and quotes them.
#include <algorithm>
#include <cmath>

#include "../cli/cli.h"
#include "../core/error.h"
#include "../init/init.h"
#include "../core/rng.h"
#include "../core/strf.h"
#include "notebook_parts.h"

namespace wi {

namespace {

const double kLn10 = std::log(10.0);   // the loss of a uniform guess over 10 digits
constexpr double kAtLn10 = 0.01;       // a loss within this of ln 10 "is" a uniform guess
constexpr double kPriorTol = 0.0025;   // an accuracy within this (5 of 2,000 images) "is" the class prior
constexpr double kHugeLoss = 10.0;     // a first loss above 10 x ln 10 is "huge"


// The run's per-epoch table: the notebook's "Epoch N finished with loss: L and accuracy A", and the test set.
DocTable epoch_table(const RunResult& r) {
    DocTable t;
    t.caption = r.label + ": per epoch";
    t.header = {"epoch", "train loss", "train accuracy", "test loss", "test accuracy"};
    for (const EpochStats& e : r.report.epochs)
        t.rows.push_back({std::to_string(e.epoch), f3(e.loss), f3(e.accuracy), e.tested ? f3(e.test.loss) : "-",
                          e.tested ? f3(e.test.accuracy) : "-"});
    return t;
}


std::string plural(long k, const char* one, const char* many) { return std::to_string(k) + " " + (k == 1 ? one : many); }

// What the loss and the test accuracy of a run say about learning, against ln 10 and the prior.
std::string outcome_sentence(const RunResult& r, const NotebookRuns& n) {
    const auto& ep = r.report.epochs;
    if (ep.empty()) return "No epoch completed, so nothing was measured.";
    const double first = ep.front().loss, last = ep.back().loss;
    std::string s = "The training loss goes " + f3(first) + " -> " + f3(last) + " over " +
                    plural(static_cast<long>(ep.size()), "epoch", "epochs");
    s += std::fabs(last - kLn10) < kAtLn10 ? strf(", at ln 10 = %.3f, the loss of a uniform guess over the 10 digits", kLn10)
                                           : strf(" (ln 10 = %.3f is a uniform guess)", kLn10);
    if (!ep.back().tested) return s + "; the test set was not evaluated.";
    const double acc = ep.back().test.accuracy;
    s += "; test accuracy " + f3(acc);
    const long off = std::lround(std::fabs(acc - n.prior_share) * n.data->test.count);
    if (std::fabs(acc - n.prior_share) <= kPriorTol)
        s += strf(", %s what answering %d for every image scores (digit %d is %.3f of the test set): it has "
                  "learned the class prior and nothing else.",
                  off == 0 ? "exactly" : strf("within %ld image%s of", off, off == 1 ? "" : "s").c_str(), n.prior_digit,
                  n.prior_digit, n.prior_share);
    else if (acc < kChance)
        s += strf(", near chance (0.1; always answering %d would score %.3f).", n.prior_digit, n.prior_share);
    else
        s += strf(", well above chance (0.1) and the class prior (%.3f): it learns.", n.prior_share);
    return s;
}

// The symmetry, from the probe-batch statistics at init and the weights after training.
std::vector<std::string> symmetry_sentences(const RunResult& r, const std::vector<LayerPair>& after, int epochs) {
    std::vector<std::string> out;
    const std::size_t hidden = r.at_init.empty() ? 0 : r.at_init.size() - 1;
    bool all_one = hidden > 0, no_gradient = hidden > 0, still_one = hidden > 0 && after.size() == r.at_init.size();
    std::string init_part, after_part;
    for (std::size_t l = 0; l < hidden; ++l) {
        const LayerStats& s = r.at_init[l];
        all_one = all_one && s.distinct_units == 1 && s.distinct_grads == 1;
        no_gradient = no_gradient && s.grad_norm == 0;
        init_part += strf("%sfc%d has %d distinct row%s of %d and gets %d distinct gradient row%s (gradient norm %s)",
                          l ? "; " : "", s.layer, s.distinct_units, s.distinct_units == 1 ? "" : "s", s.units,
                          s.distinct_grads, s.distinct_grads == 1 ? "" : "s", g3(s.grad_norm).c_str());
        if (l < after.size()) {
            still_one = still_one && after[l].w.distinct_rows == 1;
            after_part += strf("%sfc%d %d of %d (weight std %s)", l ? ", " : "", s.layer, after[l].w.distinct_rows,
                               after[l].w.rows, g3(after[l].w.std).c_str());
        }
    }
    if (hidden == 0) return out;
    out.push_back("Measured on 256 training images at init: " + init_part + ".");
    if (!after_part.empty())
        out.push_back("Distinct weight rows after epoch " + std::to_string(epochs) + ": " + after_part + ".");
    if (all_one && no_gradient)
        out.push_back("So it cannot learn: every hidden unit computes the same function, and with zero weights "
                      "downstream the hidden layers get no gradient at all (norm 0), so they never leave their "
                      "start.");
    else if (all_one && still_one)
        out.push_back("So it cannot learn features: every hidden unit computes the same function and gets the same "
                      "gradient, so the units stay identical through training; each hidden layer acts as a "
                      "single unit.");
    else if (all_one)
        out.push_back("The units start identical, yet some rows differ after training (rounding can split them).");
    else
        out.push_back("The hidden units are not all identical, so symmetry is not what holds this run back.");
    return out;
}

DocTable gradient_table(const std::string& caption, const std::vector<LayerPair>& grads) {
    DocTable t;
    t.caption = caption;
    t.header = {"gradient of", "shape", "mean", "std", "min", "max", "distinct"};
    auto row = [&t](const std::string& name, const std::string& shape, const TensorSummary& s, int distinct, int of) {
        t.rows.push_back({name, shape, strf("%.3g", s.mean), strf("%.3g", s.std), strf("%.3g", s.min),
                          strf("%.3g", s.max), strf("%d of %d", distinct, of)});
    };
    for (std::size_t l = 0; l < grads.size(); ++l) {
        const TensorSummary& w = grads[l].w;
        const TensorSummary& b = grads[l].b;
        const std::string fc = "fc" + std::to_string(l + 1);
        row(fc + ".weight", strf("(%d, %d)", w.rows, w.cols), w, w.distinct_rows, w.rows);  // distinct rows
        row(fc + ".bias", strf("(%d,)", b.cols), b, b.distinct_cols, b.cols);              // distinct values
    }
    return t;
}

std::string distinct_rows_text(const std::vector<LayerPair>& grads) {
    std::string s;
    for (std::size_t l = 0; l < grads.size(); ++l)
        s += strf("%sfc%zu %d of %d", l ? ", " : "", l + 1, grads[l].w.distinct_rows, grads[l].w.rows);
    return s;
}


}  // namespace

const RunResult& find_result(const std::vector<RunResult>& results, const std::string& label) {
    for (const RunResult& r : results)
        if (r.label == label) return r;
    throw Error("notebook: no run labelled " + label);  // a table of setups out of step with the cells
}

std::string f3(double v) { return strf("%.3f", v); }
std::string g3(double v) { return strf("%.3g", v); }
std::string g4(double v) { return strf("%.4g", v); }

std::string epochs_flag(int epochs) { return epochs == 3 ? "" : " --epochs " + std::to_string(epochs); }
std::string command(const NotebookRuns& n, const std::string& args) { return "./wi " + args + n.flags; }

std::vector<std::string> diagnosis_lines(const RunResult& r) {
    std::vector<std::string> lines;
    if (r.diagnosis.empty()) lines.push_back(r.label + ": nothing unusual measured");
    for (const std::string& d : r.diagnosis) lines.push_back(r.label + ": " + d);
    return lines;
}

DocCell cell_model(const NotebookRuns& n) {
    DocCell c;
    c.number = 1;
    c.title = "The model and the data";
    c.question = "Which network and which data does every later cell train, and how are the pixels prepared?";
    c.commands = {command(n, "--epochs 0")};
    const std::vector<int>& arch = n.cfg->arch;
    DocTable t;
    t.caption = "nn.Sequential of three nn.Linear, no activation between them";
    t.header = {"layer", "W shape (out, in)", "weights", "biases"};
    for (std::size_t l = 1; l < arch.size(); ++l)
        t.rows.push_back({"fc" + std::to_string(l), strf("(%d, %d)", arch[l], arch[l - 1]),
                          std::to_string(arch[l] * arch[l - 1]), std::to_string(arch[l])});
    c.tables.push_back(t);
    c.answer.push_back(strf("The notebook's model: 784-32-32-10, three linear layers with no activation between "
                            "them, %ld parameters; cross-entropy loss, SGD with lr 0.001, batch 4, shuffled.",
                            n.parameters));
    c.answer.push_back(strf("Data: %s, %d training and %d test images of 28x28 pixels.", n.data->name.c_str(),
                            n.data->train.count, n.data->test.count));
    c.answer.push_back(strf("Pixels as ToTensor() + Normalize(0.5, 0.5): x = (p/255 - 0.5)/0.5; measured over the "
                            "training set: min %s, max %s, mean %.3f, std %.3f.",
                            g3(n.pixel_min).c_str(), g3(n.pixel_max).c_str(), n.pixel_mean, n.pixel_std));
    c.answer.push_back(strf("Untrained, with nn.Linear's default init: test loss %.3f and accuracy %.3f (the most "
                            "frequent test digit, %d, is %.3f of the test set).",
                            n.untrained_loss, n.untrained_accuracy, n.prior_digit, n.prior_share));
    return c;
}

DocCell cell_zeros(const NotebookRuns& n) {
    const RunResult& r = find_result(n.catalog, "zeros");
    DocCell c;
    c.number = 2;
    c.title = "Zero weights";
    c.question = strf("Set every weight and bias to 0 and train for %d epoch%s: what can you observe, and why?",
                      n.epochs, n.epochs == 1 ? "" : "s");
    c.commands = {command(n, "--init zeros" + epochs_flag(n.epochs))};
    c.tables.push_back(epoch_table(r));
    c.answer.push_back(outcome_sentence(r, n));
    for (const std::string& s : symmetry_sentences(r, n.zeros_after, n.epochs)) c.answer.push_back(s);
    if (!n.grads_zeros.empty()) {
        std::string moving;
        for (std::size_t l = 0; l < n.grads_zeros.size(); ++l) {
            const LayerPair& p = n.grads_zeros[l];
            if (p.w.min != 0 || p.w.max != 0) moving += strf("%sfc%zu.weight", moving.empty() ? "" : ", ", l + 1);
            if (p.b.min != 0 || p.b.max != 0) moving += strf("%sfc%zu.bias", moving.empty() ? "" : ", ", l + 1);
        }
        c.answer.push_back("The gradient cell on this init: the only nonzero gradients are in " +
                           (moving.empty() ? std::string("no tensor at all") : moving) + ".");
    }
    if (!n.zeros_after.empty()) {
        std::string nonzero;
        for (std::size_t l = 0; l < n.zeros_after.size(); ++l) {
            const LayerPair& p = n.zeros_after[l];
            if (p.w.min != 0 || p.w.max != 0) nonzero += strf("%sfc%zu.weight", nonzero.empty() ? "" : ", ", l + 1);
            if (p.b.min != 0 || p.b.max != 0) nonzero += strf("%sfc%zu.bias", nonzero.empty() ? "" : ", ", l + 1);
        }
        c.answer.push_back(strf("After epoch %d the parameters that are no longer all 0: %s.", n.epochs,
                                nonzero.empty() ? "none" : nonzero.c_str()));
    }
    c.diagnosis = diagnosis_lines(r);
    if (!n.fig_zeros.empty()) c.figures.push_back({n.fig_zeros, "loss and accuracy against the SGD step for zero weights"});
    return c;
}

DocCell cell_constant(const NotebookRuns& n) {
    const RunResult& r = find_result(n.catalog, "constant");
    DocCell c;
    c.number = 3;
    c.title = "Constant weights (0.5), and the gradient cell";
    c.question = "Set every weight and bias to 0.5: how does training go? And what do the gradients of one "
                 "forward and backward pass look like?";
    c.commands = {command(n, "--init constant" + epochs_flag(n.epochs)),
                  command(n, "--init constant --grads --epochs 0")};
    c.tables.push_back(epoch_table(r));
    if (!r.report.step_loss.empty()) {
        const std::vector<float>& loss = r.report.step_loss;
        const double first = loss.front();
        const std::size_t peak = static_cast<std::size_t>(std::max_element(loss.begin(), loss.end()) - loss.begin());
        std::string s = std::fabs(first - kLn10) < kAtLn10
                            ? strf("The first batch's loss is %.3f, ln 10: all 10 logits are equal at init.", first)
                            : strf("The first batch's loss is %s (ln 10 = %.3f).", g4(first).c_str(), kLn10);
        if (loss[peak] > kHugeLoss * kLn10)
            s += strf(" Then the updates throw it up to %s at step %zu, and back down: epoch 1's mean loss is %s.",
                      g4(loss[peak]).c_str(), peak + 1,
                      r.report.epochs.empty() ? "-" : f3(r.report.epochs.front().loss).c_str());
        c.answer.push_back(s);
    }
    c.answer.push_back(outcome_sentence(r, n));
    for (const std::string& s : symmetry_sentences(r, n.constant_after, n.epochs)) c.answer.push_back(s);
    if (!n.grads_constant.empty()) {
        c.tables.push_back(gradient_table("the gradient cell under constant 0.5: input N(0,1) of shape (1, 784), "
                                          "target 1 (distinct: rows of W, values of b)", n.grads_constant));
        bool symmetric = true;
        for (std::size_t l = 0; l + 1 < n.grads_constant.size(); ++l)
            symmetric = symmetric && n.grads_constant[l].w.distinct_rows == 1;
        c.answer.push_back("The gradient cell: distinct rows of each weight gradient under constant 0.5: " +
                           distinct_rows_text(n.grads_constant) + "; under xavier_normal the same cell gives " +
                           distinct_rows_text(n.grads_xavier) + ". " +
                           (symmetric ? "Every hidden unit gets the same gradient, row for row, so an SGD step keeps "
                                        "them identical: the symmetry problem, measured."
                                      : "Some hidden rows differ, so the units can drift apart."));
    }
    c.diagnosis = diagnosis_lines(r);
    if (!n.fig_constant.empty())
        c.figures.push_back({n.fig_constant, "loss and accuracy against the SGD step for constant weights 0.5"});
    return c;
}

DocCell cell_unusual(const NotebookRuns& n) {
    const RunResult& r = n.unusual;
    const TrainReport& rep = r.report;
    DocCell c;
    c.number = 4;
    c.title = "Unusual weights";
    c.question = strf("Set about half of every layer's weights to huge values (randn x 100) and the rest to tiny "
                      "ones (randn x 1e-8), train %d epoch%s: does it converge, or diverge?",
                      n.unusual_epochs, n.unusual_epochs == 1 ? "" : "s");
    c.commands = {command(n, "--init unusual --epochs " + std::to_string(n.unusual_epochs))};
    DocTable t;
    t.caption = "at init, on 256 training images";
    t.header = {"layer", "weight std", "pre-activation std", "gradient norm"};
    for (const LayerStats& s : r.at_init)
        t.rows.push_back({"fc" + std::to_string(s.layer), g3(s.w_std), g3(s.z_std), g3(s.grad_norm)});
    c.tables.push_back(t);
    if (!r.at_init.empty())
        c.answer.push_back("At init the pre-activations' std grows layer by layer: " + [&] {
            std::string s;
            for (const LayerStats& st : r.at_init) s += strf("%sfc%d %s", s.empty() ? "" : ", ", st.layer, g3(st.z_std).c_str());
            return s;
        }() + ".");
    if (rep.diverged) {
        std::string layer = rep.fault.substr(0, rep.fault.find(' '));  // "fc2 outputs; ..." -> "fc2"
        if (layer.rfind("fc", 0) != 0) layer = "no single layer";
        std::string finite;
        const std::size_t ok = std::min<std::size_t>(rep.step_loss.size(), rep.diverged_step > 0 ? rep.diverged_step - 1 : 0);
        if (ok > 0) {
            double sum = 0;
            for (std::size_t i = 0; i < ok; ++i) sum += rep.step_loss[i];
            finite = strf(" The %zu finite step%s before it had a mean loss of %s (the first batch: %s).", ok,
                          ok == 1 ? "" : "s", g4(sum / ok).c_str(), g4(rep.step_loss[0]).c_str());
        }
        c.answer.push_back(strf("It diverges at step %ld (epoch %d of %d) in layer %s: the loss became %s; the first "
                                "non-finite numbers: %s.",
                                rep.diverged_step, rep.diverged_epoch, n.unusual_epochs, layer.c_str(),
                                std::isnan(rep.diverged_loss) ? "NaN" : "infinite", rep.fault.c_str()) +
                           finite);
    } else if (!rep.epochs.empty()) {
        const EpochStats& last = rep.epochs.back();
        const double first = rep.epochs.front().loss;
        c.answer.push_back(strf("It does not diverge in %d epoch%s: the loss goes %s -> %s%s", n.unusual_epochs,
                                n.unusual_epochs == 1 ? "" : "s", g4(first).c_str(), g4(last.loss).c_str(),
                                last.tested ? strf(", test accuracy %.3f.", last.test.accuracy).c_str() : "."));
        c.tables.push_back(epoch_table(r));
    }
    c.diagnosis = diagnosis_lines(r);
    if (!n.fig_unusual.empty())
        c.figures.push_back({n.fig_unusual, "loss and accuracy against the SGD step for the unusual weights"});
    return c;
}

}  // namespace wi
