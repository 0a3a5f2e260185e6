// compare.h - one run from a setup (build, initialize, measure, train, diagnose), and several
// runs side by side: OpenMP across runs, one run per thread, each with its own generators, so
// the results do not depend on the thread count.
#pragma once
#include <string>
#include <vector>

#include "../init.h"
#include "diagnosis.h"
#include "layer_stats.h"
#include "lsuv.h"
#include "trainer.h"

namespace wi {

struct RunSetup {
    std::string label;  // what tables call it: the spec as the user wrote it
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

// Runs every setup (silently) and returns the results in the setups' order.
std::vector<RunResult> run_compare(const std::vector<RunSetup>& setups, const MnistData& data, const Probe& probe);

// The comparison table (deterministic apart from the seconds column), and the CSV
// (one row per run per epoch; fully deterministic).
std::string compare_table(const std::vector<RunResult>& results);
std::string compare_csv(const std::vector<RunResult>& results);

}  // namespace wi
