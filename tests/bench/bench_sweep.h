// bench_sweep.h - the sweep rows of `make bench` (bench_sweep.cpp).
#pragma once
#include <string>

namespace wi {

// Peak RSS of `wi sweep` on 2 threads for a 12-run and a 48-run grid. Measured while the
// benchmark is still small (see wi_peak_rss_mb in bench.cpp: a forked child's peak counts the
// parent's pages).
struct SweepMemory {
    bool measured = false;
    double mb_12_runs = 0, mb_48_runs = 0;
};
SweepMemory sweep_memory(const std::string& root, const std::string& data);

// Runs per second of a 24-run grid on 1 and 2 threads, and over 2 MPI ranks; data is a folder
// of the four MNIST files.
void sweep_bench(const std::string& root, const std::string& data, int reps, const SweepMemory& memory);

}  // namespace wi
