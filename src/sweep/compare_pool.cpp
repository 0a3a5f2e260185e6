#include "compare_pool.h"

#include <cstdlib>
#include <sstream>

#include "../core/error.h"
#include "../core/interrupt.h"
#include "../core/strf.h"
#include "../backend/pool.h"

namespace wi {

std::string result_text(const RunResult& r) {
    const TrainReport& rep = r.report;
    std::string t = "label " + r.label + "\n";
    t += strf("run %d %a %d %ld %d %ld\n", r.trained ? 1 : 0, r.seconds, rep.diverged ? 1 : 0, rep.diverged_step,
              rep.interrupted_by, rep.interrupted_step);
    for (const EpochStats& e : rep.epochs)
        t += strf("epoch %d %d %a %a %d %a %a\n", e.epoch, e.steps, e.loss, e.accuracy, e.tested ? 1 : 0, e.test.loss,
                  e.test.accuracy);
    for (const TestPoint& p : rep.test_curve) t += strf("test %ld %a %a\n", p.step, p.loss, p.accuracy);
    for (const std::string& d : r.diagnosis) t += "diagnosis " + d + "\n";
    return t;
}

RunResult result_from_text(const std::string& text) {
    RunResult r;
    std::istringstream in(text);
    std::string line;
    auto number = [](std::istringstream& s) {
        std::string w;
        s >> w;
        char* end = nullptr;
        const double v = std::strtod(w.c_str(), &end);  // reads %a exactly
        if (w.empty() || *end != '\0') throw Error("a run's result: '" + w + "' is not a number");
        return v;
    };
    while (std::getline(in, line)) {
        const std::size_t sp = line.find(' ');
        const std::string key = line.substr(0, sp), rest = sp == std::string::npos ? "" : line.substr(sp + 1);
        std::istringstream f(rest);
        TrainReport& rep = r.report;
        if (key == "label") r.label = rest;
        else if (key == "diagnosis") r.diagnosis.push_back(rest);
        else if (key == "run") {
            r.trained = number(f) != 0;
            r.seconds = number(f);
            rep.diverged = number(f) != 0;
            rep.diverged_step = static_cast<long>(number(f));
            rep.interrupted_by = static_cast<int>(number(f));
            rep.interrupted_step = static_cast<long>(number(f));
        } else if (key == "epoch") {
            EpochStats e;
            e.epoch = static_cast<int>(number(f));
            e.steps = static_cast<int>(number(f));
            e.loss = number(f);
            e.accuracy = number(f);
            e.tested = number(f) != 0;
            e.test.loss = number(f);
            e.test.accuracy = number(f);
            rep.epochs.push_back(e);
        } else if (key == "test") {
            TestPoint p;
            p.step = static_cast<long>(number(f));
            p.loss = number(f);
            p.accuracy = number(f);
            rep.test_curve.push_back(p);
        } else {
            throw Error("a run's result: unknown line '" + line + "'");
        }
    }
    return r;
}

std::vector<RunResult> compare_through_pool(const std::vector<RunSetup>& setups, const MnistData& data,
                                            const Probe& probe, const std::string& label, RunsProgress::Mode mode,
                                            int threads) {
    const std::vector<long> planned = planned_steps(setups, data);
    long total = 0;
    for (long p : planned) total += p;
    const bool writer = pool_is_writer();
    RunsProgress progress(label, static_cast<int>(setups.size()), total, writer ? mode : RunsProgress::Mode::Off);
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < setups.size(); ++i) todo.push_back(i);
    std::vector<RunResult> results(setups.size());
    std::vector<bool> have(setups.size(), false);
    try {
        run_pool(
            todo, threads,
            [&](std::size_t i) -> std::optional<std::string> {
                return result_text(run_one(setups[i], data, probe, progress, planned[i]));
            },
            [&](std::size_t i, const std::string& text) {
                results[i] = result_from_text(text);
                have[i] = true;
            });
    } catch (...) {
        progress.stop();
        throw;
    }
    // After a signal the pool starts no new run: those not begun are reported as run_compare does.
    for (std::size_t i = 0; i < setups.size(); ++i)
        if (!have[i]) {
            results[i] = not_run(setups[i], interrupt_signal());
            progress.run_finished(planned[i], run_summary(setups[i], results[i]));
        }
    progress.stop();
    if (!writer) return {};
    return results;
}

}  // namespace wi
