// he2015.cpp - the judge of `wi experiment he2015`: Xavier vs Kaiming on deep ReLU MLPs
// (He et al. 2015, sec. 2.2, Figs. 2-3).
#include <algorithm>
#include <cmath>

#include "../report/experiment_figures.h"
#include "experiments.h"

namespace wi {

namespace {

const double kLn10 = std::log(10.0);  // the loss of a uniform guess over 10 classes
// Xavier's activations "vanish" when its last hidden layer's std is below 1/100 of Kaiming's at
// init. The variance argument predicts a factor 2^(-(L-2)/2) between the two (6e-5 at 30
// layers); 1/100 is met from about 16 layers on, whatever the width's noise.
constexpr double kVanished = 1e-2;
// A run "stalls" when its loss at the end (the mean of its last kWindow steps) is still within
// 5 % of ln 10, and "trains" when that is below 3/4 of ln 10 (1.73: clearly off the plateau).
constexpr double kStalled = 0.95;
constexpr double kTrains = 0.75;
// "Converges sooner": the step at which the trailing mean loss (over kWindow steps) first falls
// below 90 % of ln 10; a run that never gets there counts as later than any that does.
constexpr double kStarted = 0.9;
constexpr std::size_t kWindow = 50;

double end_loss(const TrainReport& rep) {
    const std::vector<double> smooth = trailing_mean(rep.step_loss, kWindow);
    return smooth.empty() ? NAN : smooth.back();
}

long first_below(const std::vector<double>& loss, double level) {
    for (std::size_t i = 0; i < loss.size(); ++i)
        if (loss[i] <= level) return static_cast<long>(i + 1);
    return -1;
}

std::string steps_text(long s) { return s < 0 ? "never" : "step " + std::to_string(s); }

}  // namespace

Verdict judge_he2015(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx) {
    std::FILE* out = ctx.out;
    std::fprintf(out, "\n%-8s %6s %12s %12s %10s %12s %14s %10s %9s\n", "init", "layers", "act std l1", "act std top",
                 "top/l1", "2^-(L-2)/2", "< 0.9 ln10 at", "end loss", "test acc");
    PlotPanel stds{"ReLU at init: activation std per layer", "hidden layer", "std of the activations (log scale)", true, 0, 0, {}, {}};
    std::vector<PlotPanel> curves;
    for (int depth : ctx.sizes.depths) {
        PlotPanel loss{strf("%d layers: training loss", depth), "iteration (SGD step)",
                       strf("loss (mean of the last %zu steps)", kWindow), false, 0, 0, {}, {}};
        for (const ExperimentRun& r : runs) {
            if (r.depth != depth) continue;
            const std::vector<LayerStats>& s = r.result.at_init;
            const TrainReport& rep = r.result.report;
            const double first = s.front().a_std, top = s[s.size() - 2].a_std;
            const std::vector<double> smooth = trailing_mean(rep.step_loss, kWindow);
            const long started = first_below(smooth, kStarted * kLn10);
            const double last = smooth.empty() ? NAN : smooth.back();
            // the prediction 2^-(L-2)/2 is Xavier's; the test accuracy only where the test set was evaluated
            const bool xavier = r.arm.label == "xavier";
            const std::string predicted = xavier ? strf("%.3g", std::pow(2.0, -(depth - 2) / 2.0)) : "-";
            const std::string acc = !rep.epochs.empty() && rep.epochs.back().tested
                                        ? strf("%.3f", rep.epochs.back().test.accuracy) : "-";
            std::fprintf(out, "%-8s %6d %12.3g %12.3g %10.3g %12s %14s %10.4f %9s\n", r.arm.label.c_str(), depth, first,
                         top, top / first, predicted.c_str(), steps_text(started).c_str(), last, acc.c_str());
            const int colour = xavier ? 0 : 1;
            // The deepest nets only: with one seed, a shallower net's layers are the deeper one's first layers.
            if (depth == ctx.sizes.depths.back()) {
                PlotSeries a{strf("%s, %d layers", r.arm.label.c_str(), depth), {}, {}, {}, colour, false, false, 2.0};
                for (std::size_t l = 0; l + 1 < s.size(); ++l) a.x.push_back(l + 1.0), a.y.push_back(s[l].a_std);
                stds.series.push_back(a);
            }
            PlotSeries c{r.arm.label, {}, smooth, {}, colour, false, false, 2.0};
            for (std::size_t i = 0; i < smooth.size(); ++i) c.x.push_back(i + 1.0);
            loss.series.push_back(c);
        }
        if (!loss.series.empty()) {
            const double steps = static_cast<double>(loss.series.front().x.size());
            loss.series.push_back({"ln 10 (chance)", {0.0, steps}, {kLn10, kLn10}, {}, 6, false, true, 1.5, true});
            loss.y_group = 1;  // the depths' loss panels are compared: one y range
            curves.push_back(loss);
        }
    }

    Verdict v;
    const int deep = ctx.sizes.depths.back(), shallow = ctx.sizes.depths.front();
    const ExperimentRun* xd = find_run(runs, "xavier", deep);
    const ExperimentRun* kd = find_run(runs, "kaiming", deep);
    bool vanish = false, stall = false, deeper_ok = true;
    if (xd != nullptr && kd != nullptr) {
        const double x_top = xd->result.at_init[xd->result.at_init.size() - 2].a_std;
        const double k_top = kd->result.at_init[kd->result.at_init.size() - 2].a_std;
        const double x_l1 = xd->result.at_init.front().a_std;
        const double x_loss = end_loss(xd->result.report), k_loss = end_loss(kd->result.report);
        vanish = x_top < kVanished * k_top;
        stall = x_loss >= kStalled * kLn10 && k_loss <= kTrains * kLn10 && !kd->result.report.diverged;
        v.numbers = strf("%d layers at init: Xavier's top activation std %.3g x its first layer's (2^-(L-2)/2 = %.3g), "
                         "%.3g x Kaiming's; loss at the end Xavier %.3f (ln 10 = 2.303), Kaiming %.3f",
                         deep, x_top / x_l1, std::pow(2.0, -(deep - 2) / 2.0), x_top / k_top, x_loss, k_loss);
    }
    if (shallow != deep) {
        const ExperimentRun* xs = find_run(runs, "xavier", shallow);
        const ExperimentRun* ks = find_run(runs, "kaiming", shallow);
        if (xs != nullptr && ks != nullptr) {
            const long x_at = first_below(trailing_mean(xs->result.report.step_loss, kWindow), kStarted * kLn10);
            const long k_at = first_below(trailing_mean(ks->result.report.step_loss, kWindow), kStarted * kLn10);
            deeper_ok = k_at >= 0 && (x_at < 0 || k_at < x_at);
            v.numbers += strf("; %d layers: loss below 0.9 ln 10 at %s (Kaiming) vs %s (Xavier), at the end %.3f vs %.3f",
                              shallow, steps_text(k_at).c_str(), steps_text(x_at).c_str(), end_loss(ks->result.report),
                              end_loss(xs->result.report));
        }
    }
    v.reproduced = vanish && stall && deeper_ok;

    std::vector<PlotPanel> panels{stds};
    panels.insert(panels.end(), curves.begin(), curves.end());
    const std::string caption = strf("ReLU MLPs of width %d on %d MNIST digits, biases 0, batch %d, SGD lr %g, seed %llu",
                                     ctx.sizes.width, ctx.data.train.count, ctx.sizes.batch, ctx.sizes.lrs.front(),
                                     static_cast<unsigned long long>(ctx.seed));
    ctx.log->attempt([&] {
        const FigureFile f = plot_panels(ctx.fig, "he2015.png", "Xavier vs Kaiming on deep ReLU nets (He et al. 2015, Figs. 2-3)",
                                         caption, panels, static_cast<int>(panels.size()));
        std::fprintf(out, "wrote %s\n", f.path.c_str());
    });
    return v;
}

}  // namespace wi
