#include "sweep_csv.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "../core/error.h"
#include "../core/strf.h"

namespace wi {

namespace {

constexpr double kMilestoneAccuracy = 0.80;  // the steps_to_80 column

std::string quoted(const std::string& v) {
    if (v.find_first_of(",\"\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? "\"\"" : std::string(1, c);
    return q + "\"";
}

int column(const Grid& grid, const std::string& name) {
    const std::vector<std::string>& m = metric_columns();
    for (std::size_t c = 0; c < m.size(); ++c)
        if (m[c] == name) return static_cast<int>(grid.axes.size() + c);
    return -1;
}

bool to_long(const std::string& t, long* v) {
    char* end = nullptr;
    errno = 0;
    *v = std::strtol(t.c_str(), &end, 10);
    return !t.empty() && *end == '\0' && errno == 0;
}

// The epochs a run of this row plans: its epochs axis value, else the fixed setting.
long planned_epochs(const SweepCsv& csv, const std::vector<std::string>& fields) {
    long e = -1;
    const int k = csv.grid.find("epochs");
    if (k >= 0) return to_long(fields[k], &e) ? e : -1;
    const std::size_t at = csv.fixed.find("epochs=");
    if (at == std::string::npos) return -1;
    return to_long(csv.fixed.substr(at + 7, csv.fixed.find(';', at) - at - 7), &e) ? e : -1;
}

}  // namespace

const std::vector<std::string>& metric_columns() {
    static const std::vector<std::string> c = {"epoch",         "steps",     "train_loss",  "train_accuracy",
                                               "test_loss",     "test_accuracy", "diverged_step", "steps_to_80",
                                               "seconds",       "run",       "run_seed"};
    return c;
}

std::string csv_header(const Grid& grid, const std::string& hash, const std::string& fixed) {
    std::string h = "# grid: " + grid.text() + "  hash " + hash + "\n# fixed: " + fixed + "\n";
    std::string cols;
    for (const Axis& a : grid.axes) cols += (cols.empty() ? "" : ",") + quoted(a.key);
    for (const std::string& c : metric_columns()) cols += "," + c;
    return h + cols + "\n";
}

std::string run_rows(const SweepRun& run, const TrainReport& report, double seconds) {
    std::string prefix;
    for (const std::string& v : run.values) prefix += quoted(v) + ",";
    const long reached = report.first_step_reaching(kMilestoneAccuracy);
    std::string rows;
    long steps_so_far = 0;
    for (const EpochStats& e : report.epochs) {
        steps_so_far += e.steps;
        const bool last = &e == &report.epochs.back();
        rows += prefix + strf("%d,%d,%.6g,%.6g,", e.epoch, e.steps, e.loss, e.accuracy);
        rows += e.tested ? strf("%.6g,%.6g,", e.test.loss, e.test.accuracy) : std::string(",,");
        rows += report.diverged && last ? std::to_string(report.diverged_step) + "," : std::string(",");
        rows += reached >= 0 && reached <= steps_so_far ? std::to_string(reached) + "," : std::string(",");
        rows += strf("%.3f,%s,%llu\n", seconds, hex16(run.hash).c_str(), static_cast<unsigned long long>(run.seed));
    }
    return rows;
}

std::vector<std::string> csv_split(const std::string& line) {
    std::vector<std::string> f(1);
    bool in_quotes = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (in_quotes && c == '"' && i + 1 < line.size() && line[i + 1] == '"') f.back() += '"', ++i;
        else if (c == '"') in_quotes = !in_quotes;
        else if (c == ',' && !in_quotes) f.emplace_back();
        else f.back() += c;
    }
    return f;
}

SweepCsv read_sweep_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot read it");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    SweepCsv csv;
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) {  // the last line, cut short by a kill: never complete
            ++csv.dropped;
            break;
        }
        lines.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    const std::string grid_tag = "# grid: ", hash_tag = "  hash ", fixed_tag = "# fixed: ";
    const std::size_t h = lines.empty() ? std::string::npos : lines[0].rfind(hash_tag);
    if (lines.size() < 3 || lines[0].rfind(grid_tag, 0) != 0 || h == std::string::npos ||
        lines[1].rfind(fixed_tag, 0) != 0)
        throw Error(path + ": not a sweep.csv of wi sweep (its first lines are not '# grid: ...  hash ...' and '# fixed: ...')");
    csv.grid_text = lines[0].substr(grid_tag.size(), h - grid_tag.size());
    csv.hash = lines[0].substr(h + hash_tag.size());
    csv.fixed = lines[1].substr(fixed_tag.size());
    try {
        csv.grid = parse_grid(csv.grid_text);
    } catch (const Error& e) {
        throw Error(path + ": its grid line does not parse: " + e.what());
    }
    const std::size_t n_fields = csv.grid.axes.size() + metric_columns().size();
    const int run_col = column(csv.grid, "run"), epoch_col = column(csv.grid, "epoch");
    const int diverged_col = column(csv.grid, "diverged_step");
    std::map<std::string, bool> seen;
    // Consecutive lines of one run hash are one run; it counts only when it is complete.
    for (std::size_t i = 3; i < lines.size();) {
        std::vector<std::string> f = csv_split(lines[i]);
        if (f.size() != n_fields) {
            ++csv.dropped, ++i;
            continue;
        }
        CsvRun run;
        const std::string hash = f[run_col];
        std::vector<std::size_t> position;
        for (std::size_t k = 0; k < csv.grid.axes.size(); ++k) {
            const std::vector<std::string>& vals = csv.grid.axes[k].values;
            std::size_t p = 0;
            while (p < vals.size() && vals[p] != f[k]) ++p;
            position.push_back(p);
        }
        bool fits = true;
        for (std::size_t k = 0; k < position.size(); ++k) fits = fits && position[k] < csv.grid.axes[k].values.size();
        std::size_t j = i;
        long expect = 1;
        bool consecutive = true;
        for (; j < lines.size(); ++j) {
            std::vector<std::string> g = csv_split(lines[j]);
            if (g.size() != n_fields || g[run_col] != hash) break;
            long epoch = 0;
            consecutive = consecutive && to_long(g[epoch_col], &epoch) && epoch == expect++;
            run.rows += lines[j] + "\n";
            run.fields.push_back(std::move(g));
        }
        const std::vector<std::string>& last = run.fields.back();
        const bool complete = fits && consecutive &&
                              (!last[diverged_col].empty() || planned_epochs(csv, last) == static_cast<long>(run.fields.size()));
        if (complete && !seen[hash]) {
            seen[hash] = true;
            run.index = csv.grid.index(position);
            csv.runs.push_back(std::move(run));
        } else if (!complete) {
            csv.dropped += j - i;
        }
        i = j;
    }
    return csv;
}

std::string sweep_csv_text(const SweepCsv& csv, const std::string& header) {
    std::map<std::size_t, const CsvRun*> by_index;
    for (const CsvRun& r : csv.runs) by_index.emplace(r.index, &r);
    std::string text = header;
    for (const auto& kv : by_index) text += kv.second->rows;
    return text;
}

std::optional<double> final_metric(const CsvRun& run, const std::string& metric, const Grid& grid) {
    const int c = column(grid, metric);
    if (c < 0 || run.fields.empty()) return std::nullopt;
    const std::string& cell = run.fields.back()[c];
    if (cell.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(cell.c_str(), &end);
    if (*end != '\0') return std::nullopt;
    return v;
}

}  // namespace wi
