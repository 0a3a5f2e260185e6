// saxe2014.cpp - the judge of `wi experiment saxe2014`: learning time against depth in deep
// linear networks, scaled Gaussian vs orthogonal init, and the singular values of the
// end-to-end product at init (Saxe, McClelland & Ganguli 2014, sec. 3, Fig. 6).
#include <algorithm>
#include <cmath>

#include "../report/experiment_figures.h"
#include "experiments.h"
#include "linalg.h"

namespace wi {

namespace {

// Orthogonal's product keeps every singular value at 1: within 1e-3, far above float32
// rounding across 32 layers (about 32 x 6e-8), far below any real spread.
constexpr double kUnit = 1e-3;
// Learning time "grows with depth" when the deepest net needs at least twice the steps of the
// shallowest (or never reaches the loss); it "stays flat" when the deepest needs at most 1.5x.
constexpr double kGrows = 2.0;
constexpr double kFlat = 1.5;
// The figure leaves out singular values below 1e-12 of the largest: the product is formed in
// double, so anything under about 1e-15 of the largest is rounding, not spectrum.
constexpr double kResolved = 1e-12;

// W_k ... W_1 of a model's first k layers, in double: (out_k, 784).
Matrix product(const Mlp& m, std::size_t k) {
    Matrix p;
    for (std::size_t l = 0; l < k; ++l) {
        const Layer& L = m.layers[l];
        Matrix w{L.out, L.in, std::vector<double>(L.W.data(), L.W.data() + L.W.size())};
        p = l == 0 ? w : matmul(w, p);
    }
    return p;
}

struct Best {
    long steps = -1;  // the fewest steps to the loss over the learning rates; -1: none reached it
    double lr = 0;
};

Best best_of(const std::vector<ExperimentRun>& runs, const std::string& label, int depth) {
    Best b;
    for (const ExperimentRun& r : runs)
        if (r.arm.label == label && r.depth == depth && r.stopped_at >= 0 && (b.steps < 0 || r.stopped_at < b.steps))
            b = {r.stopped_at, r.lr};
    return b;
}

std::string best_text(const Best& b, long budget) {
    return b.steps < 0 ? strf("not in %ld", budget) : strf("%ld (lr %g)", b.steps, b.lr);
}

}  // namespace

Verdict judge_saxe2014(const std::vector<ExperimentRun>& runs, const ExperimentContext& ctx) {
    std::FILE* out = ctx.out;
    const long budget = static_cast<long>(ctx.sizes.epochs) * ((ctx.data.train.count + ctx.sizes.batch - 1) / ctx.sizes.batch);
    const char* const inits[] = {"gaussian", "orthogonal"};
    std::fprintf(out, "\nsteps to a loss of %g on %d training digits (the fastest learning rate), and the singular values\n"
                      "of the end-to-end product W_L ... W_1 at init (10 of them)\n",
                 ctx.sizes.stop_loss, ctx.sizes.trace_images);
    std::fprintf(out, "%6s  %-18s %-22s  %-18s %-22s\n", "depth", "gaussian: steps", "sigma min .. max", "orthogonal: steps",
                 "sigma min .. max");
    PlotPanel time{"Learning time against depth", "depth (weight layers)", strf("steps to a training loss of %g", ctx.sizes.stop_loss),
                   false, 0, 0, {}, {}};
    // Depths are powers of two: a log axis with a tick at each.
    time.log_x = true;
    for (int depth : ctx.sizes.depths) time.x_ticks.push_back(depth);
    PlotPanel spectrum{"Singular values at init of W_L \xE2\x8B\xAF W_1 (end to end)",
                       "index, largest first (< 1e-12 of the largest: left out)",
                       "singular value (log scale)", true, 0, 0, {}, {}};
    double ortho_err = 0;                   // the largest |sigma - 1| of orthogonal's products
    std::vector<double> gauss_cond;         // sigma max / sigma min of the gaussian products, by depth
    std::vector<Best> best[2];
    for (int k = 0; k < 2; ++k) time.series.push_back({inits[k], {}, {}, {}, k, true, false, 2.0});
    for (std::size_t d = 0; d < ctx.sizes.depths.size(); ++d) {
        const int depth = ctx.sizes.depths[d];
        std::string cells[2][2];
        for (int k = 0; k < 2; ++k) {
            const ExperimentRun* r = find_run(runs, inits[k], depth);
            if (r == nullptr) continue;
            Mlp m = build_model(experiment_setup(*r, ctx), ctx.probe, nullptr);
            const std::vector<double> sv = singular_values(product(m, m.layers.size()));
            cells[k][1] = strf("%.4g .. %.4g", sv.back(), sv.front());
            if (k == 1)
                for (double s : sv) ortho_err = std::max(ortho_err, std::abs(s - 1.0));
            else
                gauss_cond.push_back(sv.front() / sv.back());
            // The figure: the spectrum of the same end-to-end product the table shows.
            if (k == 0 || d + 1 == ctx.sizes.depths.size()) {
                std::vector<double> hidden = sv;
                const double floor = kResolved * hidden.front();
                hidden.erase(std::remove_if(hidden.begin(), hidden.end(), [floor](double x) { return x < floor; }), hidden.end());
                PlotSeries s{k == 0 ? strf("gaussian, depth %d", depth) : "orthogonal, every depth", {}, hidden, {},
                             k == 0 ? static_cast<int>(d) + 2 : 1, false, k == 1, 2.0};
                for (std::size_t i = 0; i < hidden.size(); ++i) s.x.push_back(i + 1.0);
                spectrum.series.push_back(s);
            }
            best[k].push_back(best_of(runs, inits[k], depth));
            cells[k][0] = best_text(best[k].back(), budget);
            if (best[k].back().steps >= 0) {
                time.series[k].x.push_back(depth);
                time.series[k].y.push_back(static_cast<double>(best[k].back().steps));
            }
        }
        std::fprintf(out, "%6d  %-18s %-22s  %-18s %-22s\n", depth, cells[0][0].c_str(), cells[0][1].c_str(),
                     cells[1][0].c_str(), cells[1][1].c_str());
    }
    for (int k = 0; k < 2; ++k)
        if (time.series[k].x.size() < ctx.sizes.depths.size())
            time.notes.push_back(strf("%s: a missing depth: loss not reached", inits[k]));

    // The verdict: orthogonal flat, gaussian growing, orthogonal's spectrum at 1 and gaussian's spreading.
    Verdict v;
    auto steps_or_budget = [budget](const Best& b) { return b.steps < 0 ? 2.0 * budget : static_cast<double>(b.steps); };
    const Best& g0 = best[0].front();
    const Best& g1 = best[0].back();
    const Best& o0 = best[1].front();
    const Best& o1 = best[1].back();
    const bool grows = g0.steps >= 0 && steps_or_budget(g1) >= kGrows * g0.steps;
    const bool flat = o0.steps >= 0 && o1.steps >= 0 && o1.steps <= kFlat * o0.steps;
    const bool unit = ortho_err <= kUnit;
    const bool spreads = gauss_cond.size() >= 2 && gauss_cond.back() > gauss_cond.front();
    v.reproduced = grows && flat && unit && spreads;
    const int d0 = ctx.sizes.depths.front(), d1 = ctx.sizes.depths.back();
    v.numbers = strf("steps to loss %g, depth %d -> %d: gaussian %s -> %s, orthogonal %s -> %s; at init, orthogonal's "
                     "singular values are 1 within %.1e, gaussian's max/min ratio %.3g -> %.3g",
                     ctx.sizes.stop_loss, d0, d1, best_text(g0, budget).c_str(), best_text(g1, budget).c_str(),
                     best_text(o0, budget).c_str(), best_text(o1, budget).c_str(), ortho_err,
                     gauss_cond.empty() ? NAN : gauss_cond.front(), gauss_cond.empty() ? NAN : gauss_cond.back());

    const std::string caption = strf("deep linear MLPs (no activation) of width %d on %d MNIST digits, biases 0, batch %d, "
                                     "learning rates %s, seed %llu",
                                     ctx.sizes.width, ctx.data.train.count, ctx.sizes.batch,
                                     [&] { std::string s; for (double lr : ctx.sizes.lrs) s += (s.empty() ? "" : ", ") + strf("%g", lr); return s; }().c_str(),
                                     static_cast<unsigned long long>(ctx.seed));
    ctx.log->attempt([&] {
        const FigureFile f = plot_panels(ctx.fig, "saxe2014.png", "Deep linear networks: Gaussian vs orthogonal init (Saxe et al. 2014, Fig. 6)",
                                         caption, {time, spectrum}, 2);
        std::fprintf(out, "wrote %s\n", f.path.c_str());
    });
    return v;
}

}  // namespace wi
