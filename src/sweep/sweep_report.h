// sweep_report.h - what a finished sweep shows: the table sorted by the metric, and the figure.
// Both read sweep.csv's runs only, so `wi sweep` and `wi sweep merge` show the same.
#pragma once
#include <string>
#include <vector>

#include "../report/sweep_figures.h"
#include "sweep_csv.h"

namespace wi {

// The metrics --metric may name (the last epoch's value of a CSV column); the first is the default.
const std::vector<std::string>& sweep_metrics();
// Throws wi::Error naming --metric for a name not in that list.
void check_metric(const std::string& metric);

// One line per run, best first by the metric (higher accuracy, lower loss, steps or seconds);
// runs without a measurement last. At most max_rows lines, then how many more.
std::string sweep_table(const SweepCsv& csv, const std::string& metric, std::size_t max_rows = 25);

// The figure's cells: the axes other than seed (seed too when it is the only one), the runs of
// each combination pooled over seeds. Empty axes when there are more than three of them.
SweepFigure sweep_figure_data(const SweepCsv& csv, const std::string& metric);

// Draws sweep_<metric>.png into dir; returns its path ("" when the grid has more than three
// axes besides seed, with why in *why).
std::string write_sweep_figure(const SweepCsv& csv, const std::string& metric, const std::string& dir, std::string* why);

}  // namespace wi
