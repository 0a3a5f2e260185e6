// notebook.h - `wi notebook`: the seed notebook re-run from its first cell to its last, each
// question answered from what was measured, as console text and as one HTML page.
#pragma once
#include <cstdio>

namespace wi {

struct Config;

// Runs every cell (the trainings side by side through train/compare.cpp), writes the figures
// and cfg.out/notebook.html, prints the cells. Returns the exit status (128 + the signal when
// stopped: then no page is written).
int run_notebook_command(const Config& cfg, std::FILE* out);

}  // namespace wi
