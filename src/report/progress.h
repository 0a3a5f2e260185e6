// progress.h - a one-line progress bar on stderr, only when stderr is a terminal.
//
//   Training iteration 1:  45% |#########       | 3600/8000 images, 41234 img/s, ETA 0.1s (run 0.5s)
//
// The line fits the terminal: its width comes from the terminal itself (TIOCGWINSZ on stderr),
// else from $COLUMNS, else 80, and the line never takes more than width - 1 columns, so the
// terminal never wraps it. When the width is short, fields go in a fixed order: first the rate,
// then the ETA, then the counts; the bar shrinks to what is left (at least kMinBar characters,
// else it goes too). Before anything is measured the rate and ETA are "?", never 0.
//
// A finished bar is cleared, not kept: the epoch's own line on stdout ("Epoch N finished ...")
// is the record of it, so a finished run leaves only its stdout lines on the screen. The bar is
// erased before anything is printed to stdout, so no line is left half overwritten.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace wi {

// What a progress line shows; progress_line lays it out.
struct ProgressState {
    std::string label;          // "Training iteration 1"
    long done = 0, total = 0;   // units done of total (the percent and the bar)
    std::string unit = "images";       // the counts: "3600/8000 images"
    std::string rate_unit = "img/s";   // the rate: "41234 img/s"
    std::string counts_prefix;  // before the counts, e.g. "3/10 runs, " (empty: none)
    double elapsed = 0;         // seconds this bar has run: rate = done / elapsed
    // The whole run when this bar is a part of it (an epoch of several): units done of all
    // (this part's included) over run_elapsed seconds; run_total < 0: no run ETA.
    long run_done = 0, run_total = -1;
    double run_elapsed = 0;
};

constexpr int kMinBar = 5;  // the narrowest bar drawn (inside the | |)

// The line for s in a terminal of `columns` columns: at most columns - 1 of them (one byte a
// column: only ASCII). Pure, for tests.
std::string progress_line(const ProgressState& s, int columns);

// "0.4s", "12m05s", "3h07m"; "?" for a negative (unknown) time.
std::string duration_text(double seconds);

// The terminal's width: TIOCGWINSZ on stderr, else $COLUMNS, else 80.
int terminal_columns();

// True when stderr is a terminal.
bool stderr_is_terminal();

// The run a bar belongs to, for the whole run's ETA: its start and its units of work in all.
struct RunClock {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    long total = -1;  // < 0: the bar is the whole run
};

class Progress {
public:
    // enabled is typically "stderr is a terminal and not --quiet"; a disabled bar prints nothing.
    // done_before: units of the run finished before this bar began (with run, for its ETA).
    Progress(std::string label, long total, bool enabled, const RunClock* run = nullptr, long done_before = 0);
    ~Progress() { finish(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    void update(long done);  // cheap when called often: redraws at most ~10 times a second
    void finish();           // erases the bar so the next line starts clean (once; later calls do nothing)

private:
    void draw(long done);
    std::string label_;
    long total_;
    bool enabled_;
    const RunClock* run_;
    long done_before_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

// Progress over several runs side by side (compare, experiments): runs finished of all and steps
// done of all runs, with an ETA. Threads report through atomics (step_done, run_finished); one
// thread of its own draws the bar on a terminal. Without a terminal it prints one line per
// finished run instead, in the order they finish:
//   compare: 3/10 runs done (xavier: test accuracy 0.876, 0.4 s)
// Nothing at all when quiet.
class RunsProgress {
public:
    enum class Mode { Off, Bar, Lines };
    RunsProgress(std::string label, int runs, long total_steps, Mode mode);
    ~RunsProgress();  // stops the drawing thread and erases the bar
    RunsProgress(const RunsProgress&) = delete;
    RunsProgress& operator=(const RunsProgress&) = delete;
    std::atomic<long>* steps() { return &steps_; }  // add each step run (any thread)
    // A run is over: `skipped` steps it had planned but did not run (an early stop) count as
    // done; what is its one-line summary for the log (any thread).
    void run_finished(long skipped, const std::string& what);
    void stop();  // as the destructor: the bar gone before the results are printed

    // Bar when stderr is a terminal, Lines when not, Off when quiet.
    static Mode mode_for(bool quiet);

private:
    void loop();
    std::string label_;
    int runs_;
    long total_;
    Mode mode_;
    std::atomic<long> steps_{0};
    std::atomic<int> finished_{0};
    std::chrono::steady_clock::time_point start_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    bool drawn_ = false;
    std::thread drawer_;
};

}  // namespace wi
