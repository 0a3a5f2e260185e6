// progress.h - a one-line progress bar on stderr, only when stderr is a terminal.
//
//   Training iteration 1:  45% |#########           | 3600/8000 images, 41234 img/s, ETA 0.1s
#pragma once
#include <chrono>
#include <string>

namespace wi {

class Progress {
public:
    // enabled is typically "stderr is a terminal and not --quiet"; a disabled bar prints nothing.
    Progress(std::string label, long total, bool enabled);
    void update(long done);  // cheap when called often: redraws at most ~10 times a second
    void finish();           // erases the bar so the next line starts clean

private:
    void draw(long done);
    std::string label_;
    long total_;
    bool enabled_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace wi
