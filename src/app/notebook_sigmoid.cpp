// notebook_sigmoid.cpp - the notebook's sigmoid cells (where its gradient is small, where three
// initializers put their weights on it, which init trains best with it) and the catalog cell,
// each answered from the numbers measured, as notebook_cells.cpp does for the first four.
#include <algorithm>
#include <cmath>

#include "../cli/cli.h"
#include "../init/init.h"
#include "../core/rng.h"
#include "../core/strf.h"
#include "notebook_parts.h"

namespace wi {

namespace {

const char* ordinal(std::size_t i) {
    static const char* const names[] = {"first", "second", "third", "fourth", "fifth", "sixth"};
    return i < 6 ? names[i] : "later";
}

}  // namespace

std::vector<Ranked> rank_by_test_accuracy(const std::vector<RunResult>& results) {
    std::vector<Ranked> ranked;
    for (const RunResult& r : results)
        if (!r.report.epochs.empty() && r.report.epochs.back().tested && !r.report.diverged)
            ranked.push_back({r.label, r.report.epochs.back().test.accuracy});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.test_accuracy > b.test_accuracy; });
    return ranked;
}

SigmoidGradient measure_sigmoid_gradient() {
    auto dsig = [](double x) {
        const double s = 1.0 / (1.0 + std::exp(-x));
        return s * (1.0 - s);  // sigma'(x) = sigma(x) (1 - sigma(x))
    };
    SigmoidGradient g;
    constexpr double kLimit = 10.0, kStep = 1e-4;
    g.grid_points = static_cast<int>(std::lround(2 * kLimit / kStep)) + 1;
    g.peak = -1;
    for (int i = 0; i < g.grid_points; ++i) {
        const double x = -kLimit + i * kStep;
        if (dsig(x) > g.peak) {
            g.peak = dsig(x);
            g.peak_x = x;
        }
    }
    // sigma' falls monotonically on the right of its peak: bisect for sigma'(x) = peak / 5.
    double lo = g.peak_x, hi = kLimit;
    for (int it = 0; it < 200 && hi - lo > 1e-12; ++it) {
        const double mid = 0.5 * (lo + hi);
        (dsig(mid) > g.peak / 5 ? lo : hi) = mid;
    }
    g.fifth_x = 0.5 * (lo + hi) - g.peak_x;  // a distance from the peak: sigma' is symmetric about it
    return g;
}

DocCell cell_sigmoid_grad(const NotebookRuns& n) {
    const SigmoidGradient g = measure_sigmoid_gradient();
    DocCell c;
    c.number = 5;
    c.title = "Where sigmoid has small and large gradients";
    c.question = "Where does the sigmoid function give small gradients, and where the biggest?";
    c.commands = {"./wi plot sigmoid-grad"};
    auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    DocTable t;
    t.caption = "sigma(x) and sigma'(x) = sigma(x) (1 - sigma(x))";
    t.header = {"x", "sigma(x)", "sigma'(x)", "of the peak"};
    for (double x : {0.0, 1.0, 2.0, g.fifth_x, 4.0, 6.0})
        t.rows.push_back({strf("%.3f", x), strf("%.4f", sig(x)), strf("%.4f", sig(x) * (1 - sig(x))),
                          strf("%.0f %%", 100 * sig(x) * (1 - sig(x)) / g.peak)});
    c.tables.push_back(t);
    c.answer.push_back(strf("Measured on a grid of %d points over [-10, 10]: sigma'(x) peaks at x = %.3f with %.4f, "
                            "the biggest gradient sigmoid can pass back.",
                            g.grid_points, std::fabs(g.peak_x) < 5e-4 ? 0.0 : g.peak_x, g.peak));
    c.answer.push_back(strf("It drops below a fifth of that (%.4f) for |x| > %.3f (bisection), and keeps falling "
                            "towards 0 in both tails: a unit whose input is far from 0 passes back almost nothing.",
                            g.peak / 5, g.fifth_x));
    if (!n.fig_sigmoid_grad.empty())
        c.figures.push_back({n.fig_sigmoid_grad, "sigmoid and its derivative over [-5, 5], the peak marked, the "
                                                 "tails where the derivative is below a fifth of it shaded"});
    return c;
}

DocCell cell_sigmoid_samples(const NotebookRuns& n) {
    constexpr int kFanIn = 784, kFanOut = 32;  // the notebook's first layer
    constexpr std::size_t kSamples = 1000;     // its torch.empty(1000)
    const SigmoidGradient g = measure_sigmoid_gradient();
    DocCell c;
    c.number = 6;
    c.title = "Sigmoid of kaiming_normal, randn and xavier_normal samples";
    c.question = "Plot sigmoid over [-5, 5] and sigmoid(w) for 1,000 weights w drawn by kaiming_normal_, randn "
                 "and xavier_normal_: where on the curve does each initializer put its weights?";
    c.commands = {"./wi plot sigmoid" + (n.cfg->seed == 1 ? std::string() : " --seed " + std::to_string(n.cfg->seed))};
    DocTable t;
    t.caption = "1,000 weights of a (32, 784) layer each";
    t.header = {"init", "law std", "drawn std", "sigmoid(w) in", "min sigma'", strf("|w| > %.2f", g.fifth_x)};
    // The same draws as the figure: one generator for all three, in order, filling real layers.
    Rng rng(n.cfg->seed);
    std::string middle, tails;
    for (const char* name : {"kaiming_normal", "randn", "xavier_normal"}) {
        const InitSpec spec = parse_init(name);
        Mlp layer = make_mlp({kFanIn, kFanOut}, Activation::None);
        std::vector<double> w;
        while (w.size() < kSamples) {
            fill_layer(layer.layers[0], spec, BiasPolicy{}, rng);
            for (std::size_t i = 0; i < layer.layers[0].W.size() && w.size() < kSamples; ++i)
                w.push_back(layer.layers[0].W.data()[i]);
        }
        double sum = 0, sq = 0, lo = 1, hi = 0, dmin = 1;
        long beyond = 0;
        for (double v : w) sum += v;
        const double mean = sum / w.size();
        for (double v : w) {
            sq += (v - mean) * (v - mean);
            const double s = 1 / (1 + std::exp(-v));
            lo = std::min(lo, s);
            hi = std::max(hi, s);
            dmin = std::min(dmin, s * (1 - s));
            beyond += std::fabs(v) > g.fifth_x;
        }
        const double sd = std::sqrt(sq / w.size());
        t.rows.push_back({name, g3(weight_law(spec, kFanIn, kFanOut).std), g3(sd), "[" + f3(lo) + ", " + f3(hi) + "]",
                          strf("%.4f", dmin), strf("%ld of %zu", beyond, w.size())});
        const std::string where = strf("%s puts sigmoid(w) in [%.3f, %.3f] (smallest sigma' %.4f, %.0f %% of the peak; "
                                       "%ld of %zu samples beyond |w| = %.2f)",
                                       name, lo, hi, dmin, 100 * dmin / g.peak, beyond, w.size(), g.fifth_x);
        std::string& bucket = beyond == 0 && dmin > 0.8 * g.peak ? middle : tails;
        bucket += (bucket.empty() ? "" : "; ") + where;
    }
    c.tables.push_back(t);
    if (!middle.empty()) c.answer.push_back("In the curve's straight middle, where the gradient is near its peak: " + middle + ".");
    if (!tails.empty()) c.answer.push_back("Out into the flat tails, where the gradient is small: " + tails + ".");
    c.answer.push_back("Why the notebook's own cell fails in PyTorch: nn.init.kaiming_normal_(torch.empty(1000)) "
                       "computes fan_in and fan_out from the tensor's shape, and a 1-D tensor has none, so it raises "
                       "ValueError: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
                       "(xavier_normal_ too). Here the 1,000 weights come from a real layer, W of shape (32, 784), "
                       "the notebook's first.");
    if (!n.fig_sigmoid_inits.empty())
        c.figures.push_back({n.fig_sigmoid_inits, "sigmoid(w) for 1,000 samples of kaiming_normal, randn and "
                                                  "xavier_normal on the sigmoid curve, one lane per initializer below"});
    return c;
}

DocCell cell_sigmoid_best(const NotebookRuns& n) {
    DocCell c;
    c.number = 7;
    c.title = "The best initializer with sigmoid";
    c.question = "Which weight initialization is best when the network uses the sigmoid activation function?";
    std::string list;
    for (const RunResult& r : n.sigmoid) list += (list.empty() ? "" : ",") + r.label;
    c.commands = {command(n, "--compare " + list + " --act sigmoid" + epochs_flag(n.epochs))};
    DocTable t;
    t.caption = strf("784-32-32-10 with sigmoid after fc1 and fc2, %d epoch%s", n.epochs, n.epochs == 1 ? "" : "s");
    t.header = {"init", "train loss", "test loss", "test accuracy", "diverged at"};
    for (const RunResult& r : n.sigmoid) {
        const EpochStats* e = r.report.epochs.empty() ? nullptr : &r.report.epochs.back();
        t.rows.push_back({r.label, e ? g4(e->loss) : "-", e && e->tested ? f3(e->test.loss) : "-",
                          e && e->tested ? f3(e->test.accuracy) : "-",
                          r.report.diverged ? "step " + std::to_string(r.report.diverged_step) : "-"});
    }
    c.tables.push_back(t);
    const std::vector<Ranked> ranked = rank_by_test_accuracy(n.sigmoid);
    if (ranked.empty()) {
        c.answer.push_back("No run has a measured test accuracy, so none can be called best.");
    } else if (ranked.size() == 1) {
        c.answer.push_back(strf("Best with sigmoid: %s (test accuracy %.3f; no other run has a measured one).",
                                ranked[0].label.c_str(), ranked[0].test_accuracy));
    } else {
        const Ranked& a = ranked[0];
        const Ranked& b = ranked[1];
        const long images = std::lround((a.test_accuracy - b.test_accuracy) * n.data->test.count);
        if (images == 0)
            c.answer.push_back(strf("A tie at the top with sigmoid: %s and %s (test accuracy %.3f each).",
                                    a.label.c_str(), b.label.c_str(), a.test_accuracy));
        else
            c.answer.push_back(strf("Best with sigmoid: %s (test accuracy %.3f vs %.3f for %s, %ld more of the %d test "
                                    "images right).",
                                    a.label.c_str(), a.test_accuracy, b.test_accuracy, b.label.c_str(), images,
                                    n.data->test.count));
        std::string order;
        for (const Ranked& x : ranked) order += strf("%s%s %.3f", order.empty() ? "" : " > ", x.label.c_str(), x.test_accuracy);
        c.answer.push_back("Ranked by test accuracy: " + order + ".");
        std::size_t xavier = ranked.size();
        for (std::size_t i = 0; i < ranked.size(); ++i)
            if (ranked[i].label == "xavier_normal") xavier = i;
        if (xavier == 0)
            c.answer.push_back("That agrees with the notebook's answer, Xavier.");
        else if (xavier < ranked.size())
            c.answer.push_back(strf("The notebook answers Xavier; measured here, xavier_normal comes %s (%.3f).",
                                    ordinal(xavier), ranked[xavier].test_accuracy));
        const std::vector<Ranked> plain = rank_by_test_accuracy(n.catalog);
        if (!plain.empty() && plain[0].test_accuracy > a.test_accuracy)
            c.answer.push_back(strf("Every sigmoid run is still far from trained at lr 0.001 after %d epoch%s: without "
                                    "an activation the best init reaches %.3f (%s, cell 8), so this ranks how fast "
                                    "each starts to learn.",
                                    n.epochs, n.epochs == 1 ? "" : "s", plain[0].test_accuracy, plain[0].label.c_str()));
    }
    for (const RunResult& r : n.sigmoid)
        for (const std::string& d : diagnosis_lines(r)) c.diagnosis.push_back(d);
    if (!n.fig_sigmoid_runs.empty())
        c.figures.push_back({n.fig_sigmoid_runs, "training loss and test accuracy against the SGD step for each "
                                                 "initializer with sigmoid"});
    return c;
}

DocCell cell_catalog(const NotebookRuns& n) {
    DocCell c;
    c.number = 8;
    c.title = "Be creative: the whole catalog";
    c.question = "Test other weight initialization techniques: how does every initializer wi knows do on the "
                 "notebook's model?";
    c.commands = {command(n, "--compare all" + epochs_flag(n.epochs))};
    DocTable t;
    t.caption = strf("784-32-32-10, no activation, %d epoch%s", n.epochs, n.epochs == 1 ? "" : "s");
    t.header = {"init", "train loss", "test accuracy", "80% test at", "diverged at"};
    std::vector<std::string> stuck, diverged, healthy;
    long fastest = -1;
    std::string fastest_names;
    for (const RunResult& r : n.catalog) {
        const TrainReport& rep = r.report;
        const EpochStats* e = rep.epochs.empty() ? nullptr : &rep.epochs.back();
        const long at80 = rep.first_step_reaching(0.80);
        t.rows.push_back({r.label, e ? g4(e->loss) : "-", e && e->tested ? f3(e->test.accuracy) : "-",
                          at80 >= 0                                                 ? "step " + std::to_string(at80)
                          : (e && e->tested) || rep.diverged || !rep.test_curve.empty() ? "never"
                                                                                        : "-",
                          rep.diverged ? "step " + std::to_string(rep.diverged_step) : "-"});
        if (rep.diverged)
            diverged.push_back(r.label + " (step " + std::to_string(rep.diverged_step) + ")");
        else if (e && e->tested && e->test.accuracy < kChance)
            stuck.push_back(r.label + " (" + f3(e->test.accuracy) + ")");
        if (at80 >= 0 && (fastest < 0 || at80 < fastest)) {
            fastest = at80;
            fastest_names = r.label;
        } else if (at80 >= 0 && at80 == fastest) {
            fastest_names += ", " + r.label;
        }
        if (r.diagnosis.empty()) healthy.push_back(r.label);
        else
            for (const std::string& d : r.diagnosis) c.diagnosis.push_back(r.label + ": " + d);
    }
    c.tables.push_back(t);
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
        return s;
    };
    const std::vector<Ranked> ranked = rank_by_test_accuracy(n.catalog);
    if (!ranked.empty())
        c.answer.push_back(strf("Highest test accuracy: %s (%.3f)%s.", ranked[0].label.c_str(), ranked[0].test_accuracy,
                                ranked.size() > 1 ? strf(", then %s (%.3f)", ranked[1].label.c_str(),
                                                         ranked[1].test_accuracy).c_str() : ""));
    c.answer.push_back(fastest >= 0 ? strf("First to 80 %% test accuracy: %s, at step %ld.", fastest_names.c_str(), fastest)
                                    : "No init reached 80 % test accuracy.");
    if (!stuck.empty()) c.answer.push_back("Never above chance (test accuracy under 0.2): " + join(stuck) + ".");
    if (!diverged.empty()) c.answer.push_back("Diverged: " + join(diverged) + ".");
    if (!healthy.empty()) c.diagnosis.push_back("nothing unusual measured: " + join(healthy));
    return c;
}

}  // namespace wi
