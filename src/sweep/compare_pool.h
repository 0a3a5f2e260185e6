// compare_pool.h - `wi --compare A,B,C` as a sweep of one init axis: run_compare's runs (same
// setups, same seed for every run, same results) handed out by the sweep's pool (pool.h), each
// run's result carried back as text, so the runs may be on any thread or, in the MPI build, on
// any rank.
#pragma once
#include <string>
#include <vector>

#include "../train/compare.h"

namespace wi {

// The results in the setups' order, as run_compare returns them (runs a signal kept from
// beginning are not_run). threads: the pool's threads. On an MPI rank that does not write,
// the results are empty.
std::vector<RunResult> compare_through_pool(const std::vector<RunSetup>& setups, const MnistData& data,
                                            const Probe& probe, const std::string& label, RunsProgress::Mode mode,
                                            int threads);

// A result as text and back: everything the table, compare.csv and the diagnosis lines read
// (label, epochs, test points, divergence, stop, seconds, diagnosis), every number exact (%a).
std::string result_text(const RunResult& r);
RunResult result_from_text(const std::string& text);

}  // namespace wi
