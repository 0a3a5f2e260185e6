// interrupt.h - Ctrl-C, SIGTERM and SIGHUP as a request, not a crash.
//
// The handler only records which signal came. The trainer looks at step boundaries and
// finishes cleanly (figures so far, CSV rows so far, no temp files); every other long loop
// (evaluation, LSUV, experiments) looks too and cuts its work short, and the code around it
// calls throw_if_interrupted() at the next point where nothing is half-written. wi exits with
// 128 + the signal.
#pragma once
#include <csignal>

namespace wi {

void install_interrupt_handlers();  // SIGINT, SIGTERM and SIGHUP (left ignored if it was: nohup)

// The signal that asked us to stop, or 0. Cheap enough to read at every step.
int interrupt_signal();

const char* signal_name(int sig);  // "SIGINT", "SIGTERM", "SIGHUP"

// Thrown (on the main thread only, never inside an OpenMP region) to end wi because of a
// signal; main() answers it with exit status 128 + sig. Not a std::exception, so code that
// catches failed outputs never mistakes it for one.
struct Interrupted {
    int sig;
};

// How many signals have come so far.
int interrupt_count();

// Throws Interrupted if more than seen signals have come. With seen = 0: if any has. The
// outputs of a run that a signal stopped are still written; seen = the count when they
// started lets another signal stop them.
void throw_if_interrupted(int seen = 0);

}  // namespace wi
