// document.h - the notebook re-run as plain data: cells of question, commands, measured answer,
// tables and figures. Rendered twice from the same numbers: as console text (notebook.cpp) and
// as one HTML page (html.cpp), so the two can never say different things.
#pragma once
#include <string>
#include <vector>

namespace wi {

struct DocTable {
    std::string caption;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // each as long as header; "-" where nothing was measured
};

struct DocFigure {
    std::string path;  // a PNG written into the output directory
    std::string alt;   // what it shows, for a reader who cannot see it
};

struct DocCell {
    int number = 0;
    std::string title;
    std::string question;                // the notebook's question, in our own words
    std::vector<std::string> commands;   // `./wi ...` lines that, run alone, give the same numbers
    std::vector<std::string> answer;     // sentences built from the measurements
    std::vector<DocTable> tables;
    std::vector<std::string> diagnosis;  // "label: line" from the runs' diagnosis
    std::vector<DocFigure> figures;
};

struct Document {
    std::string title;
    std::vector<std::string> setting;  // data, model, path: one line each
    std::vector<DocCell> cells;
};

}  // namespace wi
