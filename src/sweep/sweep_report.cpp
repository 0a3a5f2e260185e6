#include "sweep_report.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "../core/error.h"
#include "../core/strf.h"

namespace wi {

namespace {

bool higher_is_better(const std::string& metric) { return metric.find("accuracy") != std::string::npos; }

std::string words(const std::string& metric) {
    std::string w = metric == "steps_to_80" ? "steps to 80% test accuracy" : metric;
    std::replace(w.begin(), w.end(), '_', ' ');
    return "final " + w;
}

std::string cell(const std::optional<double>& v, const std::string& metric) {
    if (!v) return "-";
    if (metric == "steps_to_80" || metric == "diverged_step") return strf("%.0f", *v);
    if (metric == "seconds") return strf("%.2f", *v);
    return strf("%.4g", *v);
}

}  // namespace

const std::vector<std::string>& sweep_metrics() {
    static const std::vector<std::string> m = {"test_accuracy", "test_loss",     "train_accuracy", "train_loss",
                                               "steps_to_80",   "diverged_step", "seconds"};
    return m;
}

void check_metric(const std::string& metric) {
    const std::vector<std::string>& m = sweep_metrics();
    if (std::find(m.begin(), m.end(), metric) != m.end()) return;
    std::string valid;
    for (const std::string& s : m) valid += (valid.empty() ? "" : ", ") + s;
    throw Error("--metric: unknown metric '" + metric + "' (valid: " + valid + ")");
}

std::string sweep_table(const SweepCsv& csv, const std::string& metric, std::size_t max_rows) {
    std::vector<const CsvRun*> order;
    for (const CsvRun& r : csv.runs) order.push_back(&r);
    std::sort(order.begin(), order.end(), [](const CsvRun* a, const CsvRun* b) { return a->index < b->index; });
    const bool higher = higher_is_better(metric);
    std::stable_sort(order.begin(), order.end(), [&](const CsvRun* a, const CsvRun* b) {
        const auto x = final_metric(*a, metric, csv.grid), y = final_metric(*b, metric, csv.grid);
        if (!x || !y) return x.has_value() && !y.has_value();
        return higher ? *x > *y : *x < *y;
    });
    // Columns: rank, each axis, the metric, test accuracy (unless that is the metric), seconds.
    std::vector<std::string> head = {"rank"};
    for (const Axis& a : csv.grid.axes) head.push_back(a.key);
    std::vector<std::string> metrics = {metric};
    if (metric != "test_accuracy") metrics.push_back("test_accuracy");
    if (metric != "diverged_step") metrics.push_back("diverged_step");
    if (metric != "seconds") metrics.push_back("seconds");
    for (const std::string& m : metrics) head.push_back(m);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < order.size() && i < max_rows; ++i) {
        std::vector<std::string> row = {std::to_string(i + 1)};
        for (std::size_t k = 0; k < csv.grid.axes.size(); ++k) row.push_back(order[i]->fields.back()[k]);
        for (const std::string& m : metrics) row.push_back(cell(final_metric(*order[i], m, csv.grid), m));
        rows.push_back(row);
    }
    std::vector<std::size_t> width(head.size());
    for (std::size_t c = 0; c < head.size(); ++c) {
        width[c] = head[c].size();
        for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
    }
    auto line = [&](const std::vector<std::string>& r) {
        std::string s;
        for (std::size_t c = 0; c < r.size(); ++c) {
            const bool left = c >= 1 && c <= csv.grid.axes.size();  // axis values read left-aligned
            const std::string pad(width[c] - r[c].size(), ' ');
            s += (c ? "  " : "") + (left ? r[c] + pad : pad + r[c]);
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        return s + "\n";
    };
    std::string t = line(head);
    for (const auto& r : rows) t += line(r);
    if (order.size() > max_rows) t += strf("... %zu more runs in sweep.csv\n", order.size() - max_rows);
    return t;
}

SweepFigure sweep_figure_data(const SweepCsv& csv, const std::string& metric) {
    SweepFigure f;
    f.metric = words(metric);
    f.caption = csv.fixed.size() > 140 ? csv.fixed.substr(0, 137) + "..." : csv.fixed;
    std::vector<std::size_t> shown;  // the axes the figure shows
    for (std::size_t k = 0; k < csv.grid.axes.size(); ++k)
        if (csv.grid.axes[k].key != "seed" || csv.grid.axes.size() == 1) shown.push_back(k);
    if (shown.size() > 3) return f;
    std::string keys;
    for (std::size_t k : shown) {
        const Axis& a = csv.grid.axes[k];
        f.axes.push_back({a.key, a.values, a.log});
        keys += (keys.empty() ? "" : " x ") + a.key;
    }
    f.heading = "wi sweep: " + f.metric + " over " + keys;
    // Each run to its cell (its position on the shown axes), pooled over the others (seeds).
    std::size_t cells = 1;
    for (std::size_t k : shown) cells *= csv.grid.axes[k].values.size();
    std::vector<std::vector<double>> values(cells);
    std::vector<int> diverged(cells, 0), runs(cells, 0);
    for (const CsvRun& r : csv.runs) {
        const std::vector<std::size_t> p = csv.grid.position(r.index);
        std::size_t c = 0;
        for (std::size_t k : shown) c = c * csv.grid.axes[k].values.size() + p[k];
        if (const auto v = final_metric(r, metric, csv.grid)) values[c].push_back(*v);
        diverged[c] += final_metric(r, "diverged_step", csv.grid).has_value();
        ++runs[c];
    }
    for (std::size_t c = 0; c < cells; ++c) {
        const std::vector<double>& v = values[c];
        SweepCell cell;
        if (runs[c] == 0) cell.note = "not run";
        else if (diverged[c] == runs[c]) cell.note = "diverged";
        cell.n = static_cast<int>(v.size());
        cell.runs = runs[c];
        if (!v.empty()) {
            double sum = 0;
            for (double x : v) sum += x;
            cell.mean = sum / v.size();
            cell.lo = *std::min_element(v.begin(), v.end());
            cell.hi = *std::max_element(v.begin(), v.end());
        }
        f.cells.push_back(cell);
    }
    return f;
}

std::string write_sweep_figure(const SweepCsv& csv, const std::string& metric, const std::string& dir, std::string* why) {
    const SweepFigure f = sweep_figure_data(csv, metric);
    if (f.axes.empty()) {
        *why = "a figure shows up to 3 axes besides seed; this grid has more";
        return "";
    }
    FigureOptions fig;
    fig.out_dir = dir;
    if (const char* font = std::getenv("WI_FONT")) fig.font = font;
    return plot_sweep(fig, "sweep_" + metric + ".png", f).path;
}

}  // namespace wi
