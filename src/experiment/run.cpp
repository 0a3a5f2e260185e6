// run.cpp - runs an experiment from its table entry: builds every run's setup, traces the
// probe during training through the trainer's on_steps hook, runs them all side by side with
// run_compare, then hands the measurements to the experiment's judge.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../cli/cli.h"
#include "../data/idx.h"
#include "../core/error.h"
#include "../core/fsutil.h"
#include "../core/interrupt.h"
#include "../nn/cross_entropy.h"
#include "../train/plots.h"
#include "../sweep/grid.h"
#include "experiments.h"

namespace wi {

namespace {

// The first n images of a split (all of it when it has fewer).
Dataset first_images(const Dataset& d, int n) {
    Dataset out;
    out.count = std::min(n, d.count);
    out.pixels.assign(d.pixels.begin(), d.pixels.begin() + static_cast<std::ptrdiff_t>(out.count) * kImagePixels);
    out.labels.assign(d.labels.begin(), d.labels.begin() + out.count);
    return out;
}

// Mean and standard deviation of n floats.
void moments(const float* v, std::size_t n, double* mean, double* std) {
    double s = 0, sq = 0;
    for (std::size_t i = 0; i < n; ++i) s += v[i];
    *mean = s / n;
    for (std::size_t i = 0; i < n; ++i) sq += (v[i] - *mean) * (v[i] - *mean);
    *std = std::sqrt(sq / n);
}

// The probe run forward through m (no update): its loss, accuracy and each hidden layer's activations.
TracePoint trace_point(const Mlp& m, Workspace& ws, const Probe& probe, const Backend& backend, long step) {
    TracePoint p;
    p.step = step;
    const float* logits = backend.forward(m, ws, probe.x.data(), probe.n);
    int correct = 0;
    p.loss = cross_entropy_forward(logits, probe.y.data(), probe.n, m.sizes.back(), &correct);
    p.accuracy = static_cast<double>(correct) / probe.n;
    for (std::size_t l = 0; l + 1 < m.layers.size(); ++l) {
        double mean, std;
        moments(ws.a[l].data(), static_cast<std::size_t>(probe.n) * m.layers[l].out, &mean, &std);
        p.a_mean.push_back(mean);
        p.a_std.push_back(std);
    }
    return p;
}


std::string list_text(const std::vector<int>& v) {
    std::string s;
    for (int x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
    return s;
}

std::string list_text(const std::vector<double>& v) {
    std::string s;
    for (double x : v) s += (s.empty() ? "" : ", ") + strf("%g", x);
    return s;
}

}  // namespace

Grid experiment_grid(const Experiment& e, const ExperimentSizes& sizes) {
    Grid g;
    Axis depth{"depth", {}, false, ""}, arm{"arm", {}, false, ""}, lr{"lr", {}, false, ""};
    for (int d : sizes.depths) depth.values.push_back(std::to_string(d));
    for (const Arm& a : e.arms) arm.values.push_back(a.label);
    for (double x : sizes.lrs) lr.values.push_back(strf("%g", x));
    for (Axis* a : {&depth, &arm, &lr}) {
        a->text = a->key + "=";
        for (std::size_t k = 0; k < a->values.size(); ++k) a->text += (k ? "," : "") + a->values[k];
        g.axes.push_back(*a);
    }
    return g;
}

std::vector<ExperimentRun> experiment_runs(const Experiment& e, const ExperimentSizes& sizes) {
    const Grid grid = experiment_grid(e, sizes);
    std::vector<ExperimentRun> runs;
    for (std::size_t i = 0; i < grid.runs(); ++i) {
        const std::vector<std::size_t> at = grid.position(i);
        ExperimentRun r;
        r.arm = e.arms[at[1]];
        if (!r.arm.train && at[2] > 0) continue;  // measured at init: one learning rate is enough
        r.depth = sizes.depths[at[0]];
        r.lr = sizes.lrs[at[2]];
        runs.push_back(r);
    }
    return runs;
}

RunSetup experiment_setup(const ExperimentRun& run, const ExperimentContext& ctx) {
    RunSetup s;
    s.label = run.arm.label;
    s.spec = parse_init(run.arm.init);
    s.bias = parse_bias(run.arm.bias);
    s.arch = experiment_arch(run.depth, ctx.sizes.width);
    s.act = parse_activation(run.arm.act);
    s.seed = ctx.seed;
    s.opt.epochs = run.arm.train ? ctx.sizes.epochs : 0;
    s.opt.batch = ctx.sizes.batch;
    s.opt.lr = static_cast<float>(run.lr);
    s.opt.seed = ctx.seed;
    s.opt.backend = ctx.backend;
    return s;
}

int run_experiment_command(const Config& cfg, std::FILE* out) {
    const auto start = std::chrono::steady_clock::now();
    const Experiment& e = find_experiment(cfg.experiment);
    ExperimentSizes sizes = cfg.quick ? e.quick : e.full;
    if (cfg.width > 0) sizes.width = cfg.width;
    for (int depth : sizes.depths) {  // the --arch limit holds here too, before any data is loaded
        const std::vector<int> arch = experiment_arch(depth, sizes.width);
        long long parameters = 0;
        for (std::size_t l = 1; l < arch.size(); ++l) parameters += (arch[l - 1] + 1LL) * arch[l];
        if (parameters > kMaxParameters)
            throw Error(strf("--width: %d makes the %d-layer networks of `wi experiment %s%s` %lld parameters, over "
                             "the limit of %lld", sizes.width, depth, e.name, cfg.quick ? " --quick" : "", parameters,
                             kMaxParameters));
    }
    ensure_writable_dir(cfg.out, "--out");
    const Backend backend = Backend::choose(cfg.kernel);

    const MnistData all = find_and_load_mnist(cfg.data, cfg.fetch, cfg.fetch_now);
    throw_if_interrupted();
    std::fprintf(out, "data: %s (%s): %d train / %d test images\n", all.name.c_str(), all.dir.c_str(), all.train.count,
                 all.test.count);
    MnistData data;
    data.name = all.name;
    data.dir = all.dir;
    data.train = first_images(all.train, sizes.train_images);
    data.test = first_images(all.test, sizes.test_images);
    const Probe probe = make_probe(data.train);
    const Probe trace_probe = make_probe(data.train, sizes.trace_images);

    std::vector<ExperimentRun> runs = experiment_runs(e, sizes);
    std::fprintf(out, "experiment %s%s: %s\n", e.name, cfg.quick ? " (quick)" : "", e.paper);
    std::fprintf(out, "claim: %s\n", e.claim);
    std::fprintf(out,
                 "setting: MNIST, %d train / %d test digits; width %d; depths (weight layers) %s; lr %s; batch %d; "
                 "up to %d epoch%s; seed %llu\n",
                 data.train.count, data.test.count, sizes.width, list_text(sizes.depths).c_str(),
                 list_text(sizes.lrs).c_str(), sizes.batch, sizes.epochs, sizes.epochs == 1 ? "" : "s",
                 static_cast<unsigned long long>(cfg.seed));
    std::fprintf(out, "runs: %zu, side by side on %d thread%s; path: %s\n", runs.size(), thread_count(),
                 thread_count() == 1 ? "" : "s", backend.name().c_str());
    std::fflush(out);

    OutputLog log;
    const ExperimentContext ctx{e, sizes, data, probe, figure_options(cfg), backend, cfg.seed, out, &log};
    // The costliest runs first, so the last ones to start are short (run_compare hands them out in order).
    std::vector<std::size_t> order(runs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&runs](std::size_t a, std::size_t b) {
        return std::make_pair(runs[a].arm.train, runs[a].depth) > std::make_pair(runs[b].arm.train, runs[b].depth);
    });
    std::vector<RunSetup> setups;
    for (std::size_t i : order) {
        ExperimentRun& run = runs[i];
        RunSetup s = experiment_setup(run, ctx);
        s.note = "depth " + std::to_string(run.depth) + (run.arm.train ? ", lr " + strf("%g", run.lr) : "");
        if (sizes.trace_every > 0 && run.arm.train) {
            // Each run writes only its own trace, from its own thread.
            auto ws = std::make_shared<Workspace>();
            const double stop_loss = sizes.stop_loss;
            s.opt.every_steps = sizes.trace_every;
            s.opt.on_steps = [&run, ws, &trace_probe, backend, stop_loss](long step, Mlp& m) {
                if (ws->max_batch == 0) *ws = make_workspace(m, trace_probe.n);
                run.trace.push_back(trace_point(m, *ws, trace_probe, backend, step));
                if (stop_loss > 0 && run.trace.back().loss <= stop_loss) {
                    run.stopped_at = step;
                    return false;  // reached the criterion: the run's work is done
                }
                return true;
            };
        }
        setups.push_back(s);
    }
    const std::vector<RunResult> results =
        run_compare(setups, data, probe, std::string("experiment ") + e.name, RunsProgress::mode_for(cfg.quiet));
    for (std::size_t k = 0; k < order.size(); ++k) runs[order[k]].result = results[k];
    if (const int sig = interrupt_signal()) {  // in training, or in a run measured at init only
        std::fprintf(out, "%s: interrupted, no verdict\n", e.name);
        return 128 + sig;
    }

    const Verdict v = e.judge(runs, ctx);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(out, "time: %.0f s\n", seconds);
    std::fprintf(out, "%s: %s \xE2\x80\x94 %s\n", e.name, v.reproduced ? "reproduced" : "not reproduced", v.numbers.c_str());
    return log.failures() ? kExitOutput : 0;
}

}  // namespace wi
