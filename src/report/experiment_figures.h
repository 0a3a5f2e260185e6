// experiment_figures.h - the figures of `wi experiment`: panels of line plots built from plain
// numbers (the experiments decide what the series are; this file only draws them).
#pragma once
#include <string>
#include <vector>

#include "figures.h"

namespace wi {

struct PlotSeries {
    std::string label;             // "" draws it without a legend entry
    std::vector<double> x, y;
    std::vector<double> err;       // optional: +- err drawn as a vertical bar at each point
    int style = 0;                 // colour and marker: palette::series(style), marker_for(style)
    bool markers = false;          // also a marker at each point
    bool dashed = false;
    double width = 2.0;
    bool reference = false;        // a guide (e.g. chance level): drawn first, under the data
};

struct PlotPanel {
    std::string title, x_label, y_label;
    bool log_y = false;            // a log axis (points <= 0 are left out, and counted)
    double y_lo = 0, y_hi = 0;     // a fixed y range when y_hi > y_lo; otherwise fitted to the data
    std::vector<PlotSeries> series;
    std::vector<std::string> notes;  // shown in a box at the top left
    int y_group = 0;               // panels with the same non-zero group share one y range (for comparison)
    bool log_x = false;            // a log x axis (for depths 2, 4, ..., 64)
    std::vector<double> x_ticks;   // labelled x ticks at these values (empty: chosen from the range)
};

// The panels in a grid of `cols` columns under a heading and a caption; written to
// fig.out_dir/file. The canvas grows with the number of rows. A legend that would cover data
// in every corner gets headroom: the y range grows until the legend's corner is empty (found
// by drawing the panel once on a scratch canvas and counting the data pixels under it).
FigureFile plot_panels(const FigureOptions& fig, const std::string& file, const std::string& heading,
                       const std::string& caption, const std::vector<PlotPanel>& panels, int cols);

}  // namespace wi
