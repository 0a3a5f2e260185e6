#include "compare.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <optional>

#include "../backend/pool_local.h"
#include "../core/interrupt.h"
#include "../core/strf.h"

namespace wi {

constexpr double kMilestoneAccuracy = 0.80;  // the "reached 80 % test accuracy" column

Mlp build_model(const RunSetup& setup, const Probe& probe, std::vector<LsuvLayer>* lsuv) {
    Mlp m = make_mlp(setup.arch, setup.act);
    Rng rng(setup.seed);
    initialize(m, setup.spec, setup.bias, rng);
    if (setup.spec.init->needs_data && !interrupt_signal()) {
        const auto report = lsuv_rescale(m, probe, setup.spec.num("tol"), static_cast<int>(setup.spec.num("iters")));
        if (lsuv != nullptr) *lsuv = report;
    }
    return m;
}

std::string run_summary(const RunSetup& setup, const RunResult& r) {
    std::string s = r.label + (setup.note.empty() ? "" : " (" + setup.note + ")") + ": ";
    const TrainReport& rep = r.report;
    if (!r.trained) return s + "not run (stopped by a signal)";
    if (rep.diverged)
        s += "diverged at step " + std::to_string(rep.diverged_step);
    else if (rep.interrupted_by)
        s += "stopped after step " + std::to_string(rep.interrupted_step);
    else if (!rep.epochs.empty() && rep.epochs.back().tested)
        s += strf("test accuracy %.3f", rep.epochs.back().test.accuracy);
    else if (!rep.epochs.empty())
        s += strf("train accuracy %.3f", rep.epochs.back().accuracy);
    else
        s += "measured at init";
    return s + strf(", %.1f s", r.seconds);
}

RunResult not_run(const RunSetup& setup, int sig) {
    RunResult r;
    r.label = setup.label;
    r.report.interrupted_by = sig;
    r.diagnosis = {"not run (stopped by a signal before it began)"};
    return r;
}

RunResult run_one(const RunSetup& setup, const MnistData& data, const Probe& probe, RunsProgress& progress, long planned) {
    const auto start = std::chrono::steady_clock::now();
    if (const int sig = interrupt_signal()) {  // asked to stop: a run not yet begun is not begun (not measured either)
        RunResult r = not_run(setup, sig);
        progress.run_finished(planned, run_summary(setup, r));
        return r;
    }
    RunResult r;
    r.label = setup.label;
    Mlp m = build_model(setup, probe, &r.lsuv);
    if (const int sig = interrupt_signal()) {  // LSUV cut short: the same
        std::vector<LsuvLayer> lsuv = std::move(r.lsuv);
        r = not_run(setup, sig);
        r.lsuv = std::move(lsuv);
        progress.run_finished(planned, run_summary(setup, r));
        return r;
    }
    r.at_init = measure_layers(m, probe);
    TrainOptions opt = setup.opt;
    opt.print = false;
    opt.progress = false;
    opt.steps_done = progress.steps();
    r.report = train(m, data, opt, stdout);
    r.trained = true;
    r.diagnosis = diagnose(r.at_init, r.report, setup.act);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // an early stop's steps count as done: the bar reaches the end when the last run does
    progress.run_finished(planned - static_cast<long>(r.report.step_loss.size()), run_summary(setup, r));
    return r;
}

std::vector<long> planned_steps(const std::vector<RunSetup>& setups, const MnistData& data) {
    std::vector<long> planned;
    for (const RunSetup& s : setups) {
        const long batches = (data.train.count + s.opt.batch - 1) / std::max(1, s.opt.batch);
        planned.push_back(static_cast<long>(std::max(0, s.opt.epochs)) * batches);
    }
    return planned;
}

std::vector<RunResult> run_compare(const std::vector<RunSetup>& setups, const MnistData& data, const Probe& probe,
                                   const std::string& label, RunsProgress::Mode mode) {
    std::vector<RunResult> results(setups.size());
    const int n = static_cast<int>(setups.size());
    const std::vector<long> planned = planned_steps(setups, data);  // each run's steps, if it runs them all
    long total = 0;
    for (long p : planned) total += p;
    RunsProgress progress(label, n, total, mode);
    // The runs through the pool's loop (one run per thread, the next run to the first free
    // thread), in this process: their hooks and results stay in its memory.
    std::vector<std::size_t> todo(n);
    std::iota(todo.begin(), todo.end(), 0);
    std::vector<char> ran(n, 0);
    try {
        run_local_pool(
            todo, thread_count(),
            [&](std::size_t i) -> std::optional<std::string> {
                results[i] = run_one(setups[i], data, probe, progress, planned[i]);
                ran[i] = 1;
                return std::string();
            },
            [](std::size_t, const std::string&) {});
    } catch (...) {
        progress.stop();
        throw;
    }
    // After a signal the pool starts no new run: those are not run (and not measured).
    for (int i = 0; i < n; ++i)
        if (!ran[i]) {
            results[i] = not_run(setups[i], interrupt_signal());
            progress.run_finished(planned[i], run_summary(setups[i], results[i]));
        }
    progress.stop();  // the bar gone before anything else is printed
    return results;
}

std::string compare_table(const std::vector<RunResult>& results) {
    std::size_t width = 4;
    for (const RunResult& r : results) width = std::max(width, r.label.size());
    char line[512];
    std::snprintf(line, sizeof line, " %11s %10s %9s %13s %13s %8s\n", "train loss", "train acc", "test acc",
                  "80% test at", "diverged at", "seconds");
    std::string t = "init" + std::string(width - 4, ' ') + line;
    for (const RunResult& r : results) {
        const TrainReport& rep = r.report;
        const EpochStats* last = rep.epochs.empty() ? nullptr : &rep.epochs.back();
        const long reached = rep.first_step_reaching(kMilestoneAccuracy);
        // "never": measured and not reached, or diverged first; "-": never measured (--epochs 0, an early stop)
        bool measured = !rep.test_curve.empty() || rep.diverged;
        for (const EpochStats& e : rep.epochs) measured = measured || e.tested;
        const std::string at80 = reached >= 0 ? "step " + std::to_string(reached) : measured ? "never" : "-";
        const std::string div = rep.diverged         ? "step " + std::to_string(rep.diverged_step)
                                : !r.trained         ? "not started"
                                : rep.interrupted_by ? "stopped " + std::to_string(rep.interrupted_step)
                                                     : "-";
        // what was not measured (no step run, the test set not evaluated after a stop) is "-"
        char train_loss[32] = "-", train_acc[32] = "-", test_acc[32] = "-";
        if (last != nullptr) {
            std::snprintf(train_loss, sizeof train_loss, "%.4g", last->loss);
            std::snprintf(train_acc, sizeof train_acc, "%.3f", last->accuracy);
            if (last->tested) std::snprintf(test_acc, sizeof test_acc, "%.3f", last->test.accuracy);
        }
        char seconds[32] = "-";
        if (r.trained) std::snprintf(seconds, sizeof seconds, "%.2f", r.seconds);
        std::string label = r.label;  // a spec of any length: padded here, not cut by the buffer
        label.resize(width, ' ');
        std::snprintf(line, sizeof line, " %11s %10s %9s %13s %13s %8s\n", train_loss, train_acc, test_acc,
                      at80.c_str(), div.c_str(), seconds);
        t += label + line;
    }
    return t;
}

std::string compare_csv(const std::vector<RunResult>& results) {
    std::string csv = "init,epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy,diverged_step\n";
    char line[512];
    for (const RunResult& r : results)
        for (const EpochStats& e : r.report.epochs) {
            // an epoch whose test set was never evaluated has empty test fields
            std::snprintf(line, sizeof line, ",%d,%d,%.6g,%.6g,%s,%s,%ld\n", e.epoch, e.steps, e.loss, e.accuracy,
                          e.tested ? std::to_string(e.test.loss).c_str() : "",
                          e.tested ? std::to_string(e.test.accuracy).c_str() : "",
                          r.report.diverged ? r.report.diverged_step : -1L);
            csv += "\"" + r.label + "\"" + line;  // the label whole, whatever its length
        }
    return csv;
}

}  // namespace wi
