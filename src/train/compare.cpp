#include "compare.h"

#include <chrono>
#include <cstdio>

#include "../interrupt.h"

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

std::vector<RunResult> run_compare(const std::vector<RunSetup>& setups, const MnistData& data, const Probe& probe) {
    std::vector<RunResult> results(setups.size());
    const int n = static_cast<int>(setups.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < n; ++i) {
        const auto start = std::chrono::steady_clock::now();
        RunResult& r = results[i];
        r.label = setups[i].label;
        if (const int sig = interrupt_signal()) {  // asked to stop before this run began: it is not started
            r.report.interrupted_by = sig;
            r.diagnosis = {"not measured (the run was not started before the signal)"};
            continue;
        }
        Mlp m = build_model(setups[i], probe, &r.lsuv);
        r.at_init = measure_layers(m, probe);
        TrainOptions opt = setups[i].opt;
        opt.print = false;
        opt.progress = false;
        r.report = train(m, data, opt, stdout);
        r.diagnosis = diagnose(r.at_init, r.report, setups[i].act);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return results;
}

std::string compare_table(const std::vector<RunResult>& results) {
    std::size_t width = 4;
    for (const RunResult& r : results) width = std::max(width, r.label.size());
    char line[512];
    std::snprintf(line, sizeof line, "%-*s %11s %10s %9s %13s %13s %8s\n", static_cast<int>(width), "init", "train loss",
                  "train acc", "test acc", "80% test at", "diverged at", "seconds");
    std::string t = line;
    for (const RunResult& r : results) {
        const TrainReport& rep = r.report;
        const EpochStats* last = rep.epochs.empty() ? nullptr : &rep.epochs.back();
        const long reached = rep.first_step_reaching(kMilestoneAccuracy);
        const std::string at80 = reached < 0 ? "never" : "step " + std::to_string(reached);
        const std::string div = rep.diverged         ? "step " + std::to_string(rep.diverged_step)
                                : rep.interrupted_by ? "stopped " + std::to_string(rep.interrupted_step)
                                                     : "-";
        // what was not measured (no step run, the test set not evaluated after a stop) is "-"
        char train_loss[32] = "-", train_acc[32] = "-", test_acc[32] = "-";
        if (last != nullptr) {
            std::snprintf(train_loss, sizeof train_loss, "%.4g", last->loss);
            std::snprintf(train_acc, sizeof train_acc, "%.3f", last->accuracy);
            if (last->tested) std::snprintf(test_acc, sizeof test_acc, "%.3f", last->test.accuracy);
        }
        std::snprintf(line, sizeof line, "%-*s %11s %10s %9s %13s %13s %8.2f\n", static_cast<int>(width),
                      r.label.c_str(), train_loss, train_acc, test_acc, at80.c_str(), div.c_str(), r.seconds);
        t += line;
    }
    return t;
}

std::string compare_csv(const std::vector<RunResult>& results) {
    std::string csv = "init,epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy,diverged_step\n";
    char line[512];
    for (const RunResult& r : results)
        for (const EpochStats& e : r.report.epochs) {
            // an epoch whose test set was never evaluated has empty test fields
            std::snprintf(line, sizeof line, "\"%s\",%d,%d,%.6g,%.6g,%s,%s,%ld\n", r.label.c_str(), e.epoch, e.steps,
                          e.loss, e.accuracy, e.tested ? std::to_string(e.test.loss).c_str() : "",
                          e.tested ? std::to_string(e.test.accuracy).c_str() : "",
                          r.report.diverged ? r.report.diverged_step : -1L);
            csv += line;
        }
    return csv;
}

}  // namespace wi
