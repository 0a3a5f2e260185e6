// compare.h - one run from a setup (build, initialize, measure, train, diagnose), and several
// runs side by side through the pool's loop (backend/pool_local.h): one run per thread, each with its
// own generators, so the results do not depend on the thread count.
#pragma once
#include <string>
#include <vector>

#include "../init/init.h"
#include "../report/progress.h"
#include "diagnosis.h"
#include "layer_stats.h"
#include "lsuv.h"
#include "trainer.h"

namespace wi {

struct RunSetup {
    std::string label;  // what tables call it: the spec as the user wrote it
    std::string note;   // what else tells the run apart in a progress line, e.g. "depth 5, lr 0.1" (or empty)
    InitSpec spec;
    BiasPolicy bias;
    std::vector<int> arch;
    Activation act = Activation::None;
    std::uint64_t seed = 1;  // initialization; the data order comes from opt.seed
    TrainOptions opt;
};

struct RunResult {
    std::string label;
    std::vector<LsuvLayer> lsuv;       // empty unless the init is data-dependent
    std::vector<LayerStats> at_init;   // on the probe batch
    TrainReport report;
    std::vector<std::string> diagnosis;
    bool trained = false;  // false: a signal came before the run's training began (nothing measured)
    double seconds = 0;
};

// The model of a setup, initialized; LSUV-rescaled on the probe batch when the init needs data.
Mlp build_model(const RunSetup& setup, const Probe& probe, std::vector<LsuvLayer>* lsuv);

// Runs every setup (silently on stdout) and returns the results in the setups' order. Progress
// goes to stderr as `mode` says (see RunsProgress), named `label`: a bar over runs and steps on a
// terminal, else one line per finished run, in the order the runs finish (which may change with
// the thread count; stdout and the results do not).
std::vector<RunResult> run_compare(const std::vector<RunSetup>& setups, const MnistData& data, const Probe& probe,
                                   const std::string& label = "compare",
                                   RunsProgress::Mode mode = RunsProgress::Mode::Off);

// One run of run_compare: build, initialize, measure, train, diagnose; `progress` hears when
// it ends (planned: its steps if it runs them all). A signal before it begins: not_run.
RunResult run_one(const RunSetup& setup, const MnistData& data, const Probe& probe, RunsProgress& progress, long planned);
RunResult not_run(const RunSetup& setup, int sig);  // "not run (stopped by a signal before it began)"
std::vector<long> planned_steps(const std::vector<RunSetup>& setups, const MnistData& data);

// A finished run in a few words for its progress line: "xavier: test accuracy 0.876, 0.4 s".
std::string run_summary(const RunSetup& setup, const RunResult& r);

// The comparison table (deterministic apart from the seconds column), and the CSV
// (one row per run per epoch; fully deterministic).
std::string compare_table(const std::vector<RunResult>& results);
std::string compare_csv(const std::vector<RunResult>& results);

}  // namespace wi
