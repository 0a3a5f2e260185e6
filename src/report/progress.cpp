#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "../core/strf.h"

namespace wi {

namespace {

constexpr int kMaxBar = 50;  // wider terminals get a wider line, not a wider bar

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The tail after the bar: the counts, then the rate, then the ETA (each optional, in that order).
std::string tail_text(const ProgressState& s, bool counts, bool rate, bool eta) {
    if (!counts) return "";
    std::string t = " " + s.counts_prefix + std::to_string(s.done) + "/" + std::to_string(s.total) + " " + s.unit;
    const bool known = s.done > 0 && s.elapsed > 0;
    const double r = known ? s.done / s.elapsed : 0.0;
    if (rate) t += known ? strf(", %.0f %s", r, s.rate_unit.c_str()) : ", ? " + s.rate_unit;
    if (eta) {
        t += ", ETA " + duration_text(known ? (s.total - s.done) / r : -1.0);
        if (s.run_total >= 0) {
            const bool run_known = s.run_done > 0 && s.run_elapsed > 0;
            const double rr = run_known ? s.run_done / s.run_elapsed : 0.0;
            t += " (run " + duration_text(run_known ? (s.run_total - s.run_done) / rr : -1.0) + ")";
        }
    }
    return t;
}

}  // namespace

std::string duration_text(double seconds) {
    if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
    if (seconds < 59.95) return strf("%.1fs", seconds);
    const long s = std::lround(seconds);
    if (s < 3600) return strf("%ldm%02lds", s / 60, s % 60);
    return strf("%ldh%02ldm", s / 3600, (s % 3600) / 60);
}

std::string progress_line(const ProgressState& s, int columns) {
    const int width = columns - 1;  // the last column stays free: the terminal never wraps the line
    if (width <= 0) return "";
    const double frac =
        s.total > 0 ? std::min(1.0, std::max(0.0, static_cast<double>(s.done) / static_cast<double>(s.total))) : 0.0;
    const std::string head = s.label + strf(": %3d%%", static_cast<int>(frac * 100.0));
    // Dropped in this order when the line is too long: the rate, the ETA, the counts.
    const bool keep[4][3] = {{true, true, true}, {true, false, true}, {true, false, false}, {false, false, false}};
    for (const auto& k : keep) {
        const std::string tail = tail_text(s, k[0], k[1], k[2]);
        const int room = width - static_cast<int>(head.size() + tail.size()) - 3;  // " |" and "|"
        if (room < kMinBar) continue;
        const int bar = std::min(room, kMaxBar);
        const int filled = static_cast<int>(frac * bar);
        return head + " |" + std::string(filled, '#') + std::string(bar - filled, ' ') + "|" + tail;
    }
    return head.substr(0, static_cast<std::size_t>(width));  // no room even for the bar
}

int terminal_columns() {
    struct winsize ws {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* c = std::getenv("COLUMNS"); c != nullptr) {
        char* end = nullptr;
        const long v = std::strtol(c, &end, 10);
        if (end != c && *end == '\0' && v > 0 && v < 10000) return static_cast<int>(v);
    }
    return 80;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, long total, bool enabled, const RunClock* run, long done_before)
    : label_(std::move(label)), total_(total), enabled_(enabled && total > 0), run_(run), done_before_(done_before) {
    start_ = last_draw_ = std::chrono::steady_clock::now();
    if (enabled_) draw(0);
}

void Progress::update(long done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
    last_draw_ = now;
    draw(done);
}

void Progress::draw(long done) {
    ProgressState s;
    s.label = label_;
    s.done = done;
    s.total = total_;
    s.elapsed = seconds_since(start_);
    if (run_ != nullptr && run_->total >= 0) {
        s.run_done = done_before_ + done;
        s.run_total = run_->total;
        s.run_elapsed = seconds_since(run_->start);
    }
    std::fprintf(stderr, "\r%s\033[K", progress_line(s, terminal_columns()).c_str());
    std::fflush(stderr);
}

void Progress::finish() {
    if (!enabled_) return;
    enabled_ = false;
    std::fprintf(stderr, "\r\033[K");  // carriage return, erase to end of line
    std::fflush(stderr);
}

// ---- RunsProgress

RunsProgress::Mode RunsProgress::mode_for(bool quiet) {
    if (quiet) return Mode::Off;
    return stderr_is_terminal() ? Mode::Bar : Mode::Lines;
}

RunsProgress::RunsProgress(std::string label, int runs, long total_steps, Mode mode)
    : label_(std::move(label)), runs_(runs), total_(total_steps), mode_(runs > 0 ? mode : Mode::Off) {
    start_ = std::chrono::steady_clock::now();
    if (mode_ == Mode::Bar) drawer_ = std::thread([this] { loop(); });
}

RunsProgress::~RunsProgress() { stop(); }

void RunsProgress::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (drawer_.joinable()) drawer_.join();
    if (drawn_) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
    }
}

void RunsProgress::run_finished(long skipped, const std::string& what) {
    if (skipped > 0) steps_.fetch_add(skipped, std::memory_order_relaxed);
    const int k = finished_.fetch_add(1) + 1;
    if (mode_ != Mode::Lines) return;
    std::lock_guard<std::mutex> lock(mu_);  // one line at a time, whole
    std::fprintf(stderr, "%s: %d/%d runs done (%s)\n", label_.c_str(), k, runs_, what.c_str());
    std::fflush(stderr);
}

void RunsProgress::loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
        ProgressState s;
        s.label = label_;
        const int finished = finished_.load();
        if (total_ > 0) {
            s.done = std::min(steps_.load(std::memory_order_relaxed), total_);
            s.total = total_;
            s.unit = "steps";
            s.rate_unit = "steps/s";
            s.counts_prefix = strf("%d/%d runs, ", finished, runs_);
        } else {  // nothing to train: the runs are the work
            s.done = finished;
            s.total = runs_;
            s.unit = "runs";
            s.rate_unit = "runs/s";
        }
        s.elapsed = seconds_since(start_);
        std::fprintf(stderr, "\r%s\033[K", progress_line(s, terminal_columns()).c_str());
        std::fflush(stderr);
        drawn_ = true;
        cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
    }
}

}  // namespace wi
