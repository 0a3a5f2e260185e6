// lsuv.cpp - the judge of `wi experiment lsuv`: layer-sequential unit variance against
// orthonormal and Xavier inits on a deep MLP (Mishkin & Matas 2016).
#include <algorithm>
#include <cmath>

#include "../report/experiment_figures.h"
#include "experiments.h"

namespace wi {

namespace {

// LSUV's promise, checked on digits it was not fitted on (the first 256 test digits): every
// layer's output variance within 1 +- 0.25 (its own tolerance is 0.1 on its batch; a different
// batch adds sampling noise).
constexpr double kUnitVar = 0.25;
// "At least as well": LSUV's test accuracy after the run at most 1 point below the best of the others.
constexpr double kAccSlack = 0.01;

}  // namespace

Verdict judge_lsuv(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx) {
    std::FILE* out = ctx.out;
    const Probe held_out = make_probe(ctx.data.test);
    std::fprintf(out, "\noutput variance of each layer at init on %d test digits, and test accuracy after each epoch\n", held_out.n);
    std::fprintf(out, "%-18s %10s %10s %10s   %s\n", "run", "var min", "var max", "var top", "test accuracy by epoch");
    PlotPanel var{"Output variance per layer at init", "layer", "Var(z) on held-out digits (log scale)", true, 0, 0, {}, {}};
    PlotPanel acc[2] = {{"relu: test accuracy", "epoch", "test accuracy", false, 0, 0, {}, {}},
                        {"tanh: test accuracy", "epoch", "test accuracy", false, 0, 0, {}, {}}};
    acc[0].y_group = acc[1].y_group = 1;  // relu's and tanh's accuracies are compared: one y range
    const char* const acts[] = {"relu", "tanh"};
    const char* const inits[] = {"lsuv", "orthogonal", "xavier"};
    double lsuv_worst = 0;  // the largest |Var(z) - 1| of LSUV's layers
    bool keeps_up = true;
    std::string acc_text;
    const int depth = ctx.sizes.depths.front();
    for (int a = 0; a < 2; ++a) {
        double final_acc[3] = {NAN, NAN, NAN};
        for (int k = 0; k < 3; ++k) {
            const ExperimentRun* r = find_run(runs, std::string(acts[a]) + ", " + inits[k], depth);
            if (r == nullptr) continue;
            Mlp m = build_model(experiment_setup(*r, ctx), ctx.probe, nullptr);
            const std::vector<LayerStats> s = measure_layers(m, held_out);
            PlotSeries vs{r->arm.label, {}, {}, {}, k, a == 0, a == 1, 2.0};  // relu: markers, tanh: dashed
            double lo = INFINITY, hi = 0;
            for (const LayerStats& st : s) {
                const double v = st.z_std * st.z_std;
                lo = std::min(lo, v), hi = std::max(hi, v);
                vs.x.push_back(st.layer), vs.y.push_back(v);
                if (k == 0) lsuv_worst = std::max(lsuv_worst, std::abs(v - 1.0));
            }
            var.series.push_back(vs);
            PlotSeries as{inits[k], {}, {}, {}, k, true, false, 2.0};
            std::string by_epoch;
            for (const EpochStats& e : r->result.report.epochs) {
                if (!e.tested) continue;  // the test set was not evaluated after a stop or a divergence
                as.x.push_back(e.epoch), as.y.push_back(e.test.accuracy);
                by_epoch += strf(" %.3f", e.test.accuracy);
            }
            if (!r->result.report.epochs.empty() && r->result.report.epochs.back().tested)
                final_acc[k] = r->result.report.epochs.back().test.accuracy;
            acc[a].series.push_back(as);
            const double top = s.back().z_std * s.back().z_std;
            std::fprintf(out, "%-18s %10.3g %10.3g %10.3g  %s%s\n", r->arm.label.c_str(), lo, hi, top, by_epoch.c_str(),
                         r->result.report.diverged ? " (diverged)" : "");
        }
        const double others = std::max(std::isnan(final_acc[1]) ? 0.0 : final_acc[1], std::isnan(final_acc[2]) ? 0.0 : final_acc[2]);
        keeps_up = keeps_up && !std::isnan(final_acc[0]) && final_acc[0] >= others - kAccSlack;
        acc_text += strf("%s%s: LSUV %.3f vs orthogonal %.3f, xavier %.3f", a ? "; " : "", acts[a], final_acc[0],
                         final_acc[1], final_acc[2]);
    }
    Verdict v;
    v.reproduced = lsuv_worst <= kUnitVar && keeps_up;
    v.numbers = strf("LSUV's layer output variances on held-out digits are 1 within %.2f; test accuracy after %d epoch%s: %s",
                     lsuv_worst, ctx.sizes.epochs, ctx.sizes.epochs == 1 ? "" : "s", acc_text.c_str());
    const std::string caption = strf("%d-layer MLPs of width %d on %d MNIST digits, biases 0, batch %d, SGD lr %g, seed %llu",
                                     depth, ctx.sizes.width, ctx.data.train.count, ctx.sizes.batch, ctx.sizes.lrs.front(),
                                     static_cast<unsigned long long>(ctx.seed));
    ctx.log->attempt([&] {
        const FigureFile f = plot_panels(ctx.fig, "lsuv.png", "LSUV vs orthonormal and Xavier inits (Mishkin & Matas 2016)", caption,
                                         {var, acc[0], acc[1]}, 3);
        std::fprintf(out, "wrote %s\n", f.path.c_str());
    });
    return v;
}

}  // namespace wi
