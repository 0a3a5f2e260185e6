// sweep.h - `wi sweep`: every run of a grid, each a full wi run, spread over the pool; and
// `wi sweep merge`: shard folders into one.
//
//   wi sweep --grid 'init=xavier,kaiming;lr=0.001..0.1:3:log' [training flags] [--out DIR]
//            [--grid-file F] [--shard K/N] [--metric NAME] [--threads N] [-q]
//   wi sweep merge DIR... --out DIR [--metric NAME] [-q]
//
// Runs go through run_pool (pool.h): one run per thread, each single-threaded, in any order,
// each with the seed of its own identity (sweep_config.h), so the results never depend on the
// thread count, the shard or the other runs. Each finished run's rows are appended to
// DIR/sweep.csv and flushed at once (sweep_csv.h); a crash, a signal or a kill loses only the
// runs in flight, and the same command again runs only the runs missing (a folder of another
// grid is refused). When every run of the sweep (or of its shard) is in, sweep.csv is written
// again in grid order, so two complete sweeps of one grid differ only in the seconds column;
// then the table sorted by the metric and the figure (sweep_report.h).
//
// --shard K/N (or Slurm's SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT) runs the runs whose
// grid index is K modulo N. merge joins shard folders of one grid: sweep.csv as the unsharded
// sweep writes it, the table, the figure; runs no folder has are named on stderr, and merge
// then writes what it has and exits 1.
#pragma once
#include <string>
#include <vector>

namespace wi {

// args: what follows "sweep" on the command line. Returns the exit status; throws wi::Error for
// usage errors (exit 2) and Interrupted for a signal before the runs began.
int sweep_command(const std::vector<std::string>& args);

}  // namespace wi
