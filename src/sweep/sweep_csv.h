// sweep_csv.h - sweep.csv: written a run at a time, read back to resume and to merge.
//
//   # grid: init=xavier,kaiming;lr=0.001,0.01  hash 3f2a9c0d11e4b7a5
//   # fixed: bias=init; arch=784-32-32-10; act=none; epochs=1; batch=4; seed=1; ...
//   init,lr,epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy,diverged_step,steps_to_80,seconds,run,run_seed
//   xavier,0.001,1,2000,0.95,0.71,0.62,0.83,,1400,0.31,8c1f...,4417...
//
// One column per axis (the value as the flag took it), then one row per epoch the run
// trained. A number not measured is an empty cell: the test columns of an epoch whose test set
// was not evaluated (a divergence), diverged_step of a run that did not diverge, steps_to_80
// until the test accuracy first reached 0.8 (evaluated ten times an epoch). seconds is the
// run's wall time (the only column that differs between two sweeps of the same grid); run is
// the run's hash and run_seed the seed it trained with (see sweep_config.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../train/trainer.h"
#include "grid.h"
#include "sweep_config.h"

namespace wi {

// The metric columns, after the axes.
const std::vector<std::string>& metric_columns();

// The three header lines (the grid as written, its hash, the fixed settings, the columns).
std::string csv_header(const Grid& grid, const std::string& hash, const std::string& fixed);
// A finished run's rows (one per epoch it trained), each ending in '\n'.
std::string run_rows(const SweepRun& run, const TrainReport& report, double seconds);

// One CSV line's fields ("..." quoting, "" for a quote inside).
std::vector<std::string> csv_split(const std::string& line);

struct CsvRun {
    std::size_t index = 0;  // in grid order
    std::string rows;       // its lines, as written
    std::vector<std::vector<std::string>> fields;  // each line's fields
};

struct SweepCsv {
    std::string grid_text, hash, fixed;  // from the header
    Grid grid;                           // grid_text parsed
    std::vector<CsvRun> runs;            // the complete runs, in file order, each once
    std::size_t dropped = 0;             // lines left out: cut short by a kill, or of an unfinished run
};

// Reads a sweep.csv. A run whose rows stop before its last epoch (and did not diverge), a line
// cut short (no newline: the process was killed while writing it) or a line that does not fit
// the grid are left out and counted in dropped. Throws wi::Error for a file that is not a
// sweep.csv at all.
SweepCsv read_sweep_csv(const std::string& path);

// The whole file: header, then the runs in grid order.
std::string sweep_csv_text(const SweepCsv& csv, const std::string& header);

// A metric of a run's last row ("test_accuracy", ...), if it was measured.
std::optional<double> final_metric(const CsvRun& run, const std::string& metric, const Grid& grid);

}  // namespace wi
