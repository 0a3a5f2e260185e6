#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace wi {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, long total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled && total > 0) {
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
    constexpr int kWidth = 24;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double frac = std::min(1.0, std::max(0.0, static_cast<double>(done) / static_cast<double>(total_)));
    const int filled = static_cast<int>(frac * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : ' ';
    bar[kWidth] = '\0';
    const double rate = elapsed > 0 ? done / elapsed : 0.0;
    const double eta = rate > 0 ? (total_ - done) / rate : 0.0;
    std::fprintf(stderr, "\r%s: %3d%% |%s| %ld/%ld images, %.0f img/s, ETA %.1fs ", label_.c_str(),
                 static_cast<int>(frac * 100.0), bar, done, total_, rate, eta);
    std::fflush(stderr);
}

void Progress::finish() {
    if (!enabled_) return;
    std::fprintf(stderr, "\r\033[K");  // carriage return, erase to end of line
    std::fflush(stderr);
}

}  // namespace wi
