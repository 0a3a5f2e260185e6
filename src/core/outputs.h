// outputs.h - how wi's outputs fail: one by one, never taking the others with them.
//
// After a run, weights (.npy) are written first, then CSV files, then figures. Each is one
// attempt: a failure (a full disk, a directory in the way, a figure that cannot be drawn) is
// reported on stderr as "wi: <what went wrong>", the next output is still written, and wi
// exits with kExitOutput at the end. Standard output counts as an output too.
#pragma once
#include <cstdio>
#include <functional>

namespace wi {

constexpr int kExitOutput = 1;  // the run worked, but an output (a file, standard output) could not be written

class OutputLog {
public:
    // Runs write. A wi::Error or other std::exception it throws is reported and counted; an
    // Interrupted goes through.
    void attempt(const std::function<void()>& write);
    int failures() const { return failures_; }

private:
    int failures_ = 0;
};

// At start-up: a closed standard stream (fd 0, 1 or 2) is opened on /dev/null, so no file wi
// opens later takes its place. Returns false when it was standard output that was closed.
bool guard_standard_streams();

// fflush(f); false if this or any earlier write to f failed (the reason is kept for f == stdout).
bool flush_output(std::FILE* f);

// At exit: flushes standard output; on a write error says so on stderr and returns
// kExitOutput when status was 0, else status. A pipe closed by its reader (`| head -1`)
// normally ends wi by SIGPIPE before this, quietly, as with any Unix tool.
int finish_stdout(int status);

}  // namespace wi
