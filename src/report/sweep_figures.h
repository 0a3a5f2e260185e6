// sweep_figures.h - the figure of `wi sweep`: a metric over one, two or three axes, from plain
// numbers (the sweep decides what the cells are; this file only draws them).
//
//   one axis     the metric against it: the mean over seeds as a line with markers, their
//                minimum to maximum as a band (a log x axis when the axis was a log range;
//                names, e.g. of initializers, as categories)
//   two axes     a heatmap: rows are the first axis's values, columns the second's; each cell
//                coloured by its mean and the number written in it; a colour bar beside it
//   three axes   one heatmap panel per value of the third axis, sharing one colour scale
// A cell without a measurement (every run of it diverged, say) is grey and says why (its note, e.g. "diverged") or "n/a".
#pragma once
#include <string>
#include <vector>

#include "figures.h"

namespace wi {

struct SweepFigureAxis {
    std::string key;                  // "lr"
    std::vector<std::string> values;  // as written
    bool log = false;                 // a log range: a log x axis (one-axis figures)
};

struct SweepCell {
    int n = 0;                        // runs measured (seeds); 0: not measured
    int runs = 0;                     // runs of this cell in all (a cell with n < runs says "(n of runs)")
    double mean = 0, lo = 0, hi = 0;  // over those runs
    std::string note;                 // written in a cell without a measurement ("diverged"; "" for "n/a")
};

struct SweepFigure {
    std::string metric;    // the y label or colour-bar label, "final test accuracy"
    std::string heading;   // the figure's title
    std::string caption;   // a grey line under it (the fixed settings)
    std::vector<SweepFigureAxis> axes;  // 1 to 3
    std::vector<SweepCell> cells;       // one per combination, first axis slowest
};

// Writes fig.out_dir/file. For heatmaps FigureFile::table holds each cell's box, in cell
// order (panel by panel), and panels each panel's frame.
FigureFile plot_sweep(const FigureOptions& fig, const std::string& file, const SweepFigure& s);

// The heatmap's colour for t in [0, 1] (dark blue-violet at 0 through green to yellow at 1,
// a viridis-like ramp that stays ordered in grey too).
Color heat_color(double t);

}  // namespace wi
