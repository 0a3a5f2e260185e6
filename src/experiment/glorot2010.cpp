// glorot2010.cpp - the judge of `wi experiment glorot2010`: sigmoid saturation during training
// (Glorot & Bengio 2010, Fig. 2) and tanh back-propagated gradients at init (Figs. 6-7).
#include <algorithm>
#include <cmath>

#include "../report/experiment_figures.h"
#include "experiments.h"

namespace wi {

namespace {

// A sigmoid layer is "saturated towards 0" when its mean activation is at most 0.1: a fifth of
// the 0.5 it starts at, the "lower saturation value of 0" of the paper's Fig. 2 (their top layer
// reaches about 0.05 to 0.1 there too).
constexpr double kSaturatedMean = 0.1;
// The lower layers "stay near 0.5" (the paper: above 0.5) while the top one saturates: a mean of
// at least 0.4 each.
constexpr double kAwakeMean = 0.4;
// Figs. 6-7 (tanh at init) are shown and measured, not judged: the claim judged is sec. 3.1's.
// Back-propagated gradients "shrink towards the input" when the first hidden layer's dL/dz std is
// below half the top hidden layer's; they "keep their size" within a factor 2 either way. The
// variance argument of the paper's sec. 4.2 predicts (n Var W)^(L/2) = 3^(-L/2) for the standard
// init (0.11 over 4 layers) and 1 for the normalized one, before tanh' < 1 shrinks both.
constexpr double kShrunk = 0.5;
constexpr double kKept = 2.0;

const char* tanh_text(double first_over_top) {
    return first_over_top < kShrunk ? "shrinks" : first_over_top <= kKept ? "keeps its size" : "grows";
}

std::string means_text(const std::vector<double>& v) {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : " / ") + strf("%.2f", x);
    return s;
}

// The first trace point in the first epoch where the top hidden layer's mean is at most kSaturatedMean.
const TracePoint* first_saturated(const ExperimentRun& r, long steps_per_epoch) {
    for (const TracePoint& p : r.trace)
        if (p.step <= steps_per_epoch && !p.a_mean.empty() && p.a_mean.back() <= kSaturatedMean) return &p;
    return nullptr;
}

PlotPanel trace_panel(const ExperimentRun& r) {
    PlotPanel p;
    p.title = r.arm.label + " init, " + std::to_string(r.depth - 1) + " hidden layers";
    p.x_label = "iteration (SGD step)";
    p.y_label = "activation (mean, bars: std)";
    p.y_lo = 0.0, p.y_hi = 1.0;
    const int layers = r.trace.empty() ? 0 : static_cast<int>(r.trace.front().a_mean.size());
    const std::size_t bar_every = std::max<std::size_t>(1, r.trace.size() / 12);  // about a dozen bars per line
    for (int l = 0; l < layers; ++l) {
        PlotSeries s;
        s.label = "layer " + std::to_string(l + 1) + (l + 1 == layers ? " (top)" : "");
        s.style = l;
        for (std::size_t i = 0; i < r.trace.size(); ++i) {
            s.x.push_back(static_cast<double>(r.trace[i].step));
            s.y.push_back(r.trace[i].a_mean[l]);
            // Bars at different steps per layer, so they do not hide each other.
            s.err.push_back(i % bar_every == static_cast<std::size_t>(l) % bar_every ? r.trace[i].a_std[l] : 0.0);
        }
        p.series.push_back(s);
    }
    return p;
}

}  // namespace

Verdict judge_glorot2010(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx) {
    std::FILE* out = ctx.out;
    const long steps_per_epoch = (ctx.data.train.count + ctx.sizes.batch - 1) / ctx.sizes.batch;
    const int shallow = ctx.sizes.depths.front(), deep = ctx.sizes.depths.back();

    std::fprintf(out, "\nsigmoid: mean activation of each hidden layer (layer 1 / ... / top) on %d training digits\n",
                 static_cast<int>(ctx.sizes.trace_images));
    std::fprintf(out, "%-18s %6s  %-22s %-40s %8s\n", "run", "hidden", "when", "mean activation per layer", "test acc");
    std::vector<PlotPanel> panels;
    for (int depth : ctx.sizes.depths)
        for (const ExperimentRun& r : runs) {
            if (r.depth != depth || r.arm.act != "sigmoid" || r.trace.empty()) continue;
            const TrainReport& rep = r.result.report;
            const std::string acc =  // "-" where the test set was not evaluated (a stop, a divergence)
                !rep.epochs.empty() && rep.epochs.back().tested ? strf("%.3f", rep.epochs.back().test.accuracy) : "-";
            const TracePoint* sat = first_saturated(r, steps_per_epoch);
            const TracePoint& end = r.trace.back();
            std::fprintf(out, "%-18s %6d  %-22s %-40s\n", r.arm.label.c_str(), depth - 1, "init",
                         means_text(r.trace.front().a_mean).c_str());
            if (sat != nullptr)
                std::fprintf(out, "%-18s %6s  %-22s %-40s\n", "", "", strf("step %ld (top <= %.1f)", sat->step, kSaturatedMean).c_str(),
                             means_text(sat->a_mean).c_str());
            std::fprintf(out, "%-18s %6s  %-22s %-40s %8s\n", "", "", strf("end (step %ld)", end.step).c_str(),
                         means_text(end.a_mean).c_str(), acc.c_str());
            panels.push_back(trace_panel(r));
        }

    // A: the standard init, the shallower net: the top layer saturates in the first epoch, the rest stay awake.
    Verdict v;
    bool a = false, b = false;
    std::string numbers;
    if (const ExperimentRun* r = find_run(runs, "sigmoid, default", shallow); r != nullptr && !r->trace.empty()) {
        const TracePoint* sat = first_saturated(*r, steps_per_epoch);
        if (sat != nullptr) {
            const std::vector<double> lower(sat->a_mean.begin(), sat->a_mean.end() - 1);
            a = std::all_of(lower.begin(), lower.end(), [](double m) { return m >= kAwakeMean; });
            numbers += strf("sigmoid, %d hidden layers: top layer mean %.2f -> %.2f by step %ld (lower layers %s)",
                            shallow - 1, r->trace.front().a_mean.back(), sat->a_mean.back(), sat->step,
                            means_text(lower).c_str());
        } else {
            double lowest = 1.0;
            for (const TracePoint& p : r->trace) lowest = std::min(lowest, p.a_mean.back());
            numbers += strf("sigmoid, %d hidden layers: top layer mean never <= %.1f in the first epoch (lowest %.2f)",
                            shallow - 1, kSaturatedMean, lowest);
        }
    }
    // Xavier's normalized init on the same net, for comparison (the paper makes no claim for it with sigmoid).
    if (const ExperimentRun* r = find_run(runs, "sigmoid, xavier", shallow); r != nullptr && !r->trace.empty()) {
        const TracePoint* sat = first_saturated(*r, steps_per_epoch);
        numbers += sat ? strf(" (xavier: %.2f by step %ld)", sat->a_mean.back(), sat->step)
                       : strf(" (xavier: not in the first epoch)");
    }
    // B: the deeper net stays saturated to the end of the run.
    if (const ExperimentRun* r = find_run(runs, "sigmoid, default", deep); r != nullptr && !r->trace.empty()) {
        const TracePoint& end = r->trace.back();
        b = end.a_mean.back() <= kSaturatedMean;
        numbers += strf("; %d hidden layers: top layer mean %.2f at the end (step %ld)", deep - 1, end.a_mean.back(), end.step);
    }
    // C: tanh at init, the deeper net: back-propagated gradient std, first hidden layer over the top one.
    std::fprintf(out, "\ntanh at init (%d hidden layers): per hidden layer, activation std and back-propagated gradient std (dL/dz)\n",
                 deep - 1);
    PlotPanel act_panel{"tanh at init: activation std per layer", "hidden layer", "std of tanh(z)", false, 0, 0, {}, {}};
    PlotPanel grad_panel{"tanh at init: back-propagated gradient per layer", "hidden layer", "std of dL/dz (log scale)", true, 0, 0, {}, {}};
    double ratio[2] = {NAN, NAN};
    const char* const tanh_arms[] = {"tanh, default", "tanh, xavier"};
    for (int k = 0; k < 2; ++k) {
        const ExperimentRun* r = find_run(runs, tanh_arms[k], deep);
        if (r == nullptr) continue;
        const std::vector<LayerStats>& s = r->result.at_init;
        PlotSeries as{r->arm.label, {}, {}, {}, k, true, false, 2.0}, gs = as;
        std::string acts, grads;
        for (std::size_t l = 0; l + 1 < s.size(); ++l) {
            as.x.push_back(l + 1.0), as.y.push_back(s[l].a_std);
            gs.x.push_back(l + 1.0), gs.y.push_back(s[l].dz_std);
            acts += strf(" %9.3g", s[l].a_std);
            grads += strf(" %9.3g", s[l].dz_std);
        }
        ratio[k] = s.size() >= 2 ? s.front().dz_std / s[s.size() - 2].dz_std : NAN;
        std::fprintf(out, "  %-15s activation std %s\n  %-15s gradient std   %s   first/top %.3g\n", r->arm.label.c_str(),
                     acts.c_str(), "", grads.c_str(), ratio[k]);
        act_panel.series.push_back(as);
        grad_panel.series.push_back(gs);
    }
    std::fprintf(out, "  Figs. 6-7 (shown, not judged): towards the input the back-propagated gradient %s with the default "
                      "init (x%.2f) and %s with xavier (x%.2f)\n",
                 tanh_text(ratio[0]), ratio[0], tanh_text(ratio[1]), ratio[1]);
    numbers += strf("; tanh at init (not judged): gradient std first/top hidden layer default %.2f, xavier %.2f",
                    ratio[0], ratio[1]);

    // The figures: Fig. 2's traces per run, and Figs. 6-7's per-layer statistics at init.
    const std::string caption = strf("MNIST, %d training digits, width %d, minibatch %d, SGD lr %g, biases 0, seed %llu",
                                     ctx.data.train.count, ctx.sizes.width, ctx.sizes.batch, ctx.sizes.lrs.front(),
                                     static_cast<unsigned long long>(ctx.seed));
    ctx.log->attempt([&] {
        const FigureFile f = plot_panels(ctx.fig, "glorot2010_sigmoid.png",
                                         "Sigmoid activations during training (Glorot & Bengio 2010, Fig. 2)", caption, panels, 2);
        std::fprintf(out, "wrote %s\n", f.path.c_str());
    });
    const std::string at_init = strf("at init, on the first %d training digits; width %d, biases 0, seed %llu", ctx.probe.n,
                                     ctx.sizes.width, static_cast<unsigned long long>(ctx.seed));
    ctx.log->attempt([&] {
        const FigureFile f = plot_panels(ctx.fig, "glorot2010_tanh.png",
                                         "Tanh at init: standard vs normalized init (Glorot & Bengio 2010, Figs. 6-7)", at_init,
                                         {act_panel, grad_panel}, 2);
        std::fprintf(out, "wrote %s\n", f.path.c_str());
    });
    v.reproduced = a && b;
    v.numbers = numbers;
    return v;
}

}  // namespace wi
