// interrupt.h - Ctrl-C and SIGTERM as a request, not a crash.
//
// The handler only records which signal came; the trainer looks at step boundaries, finishes
// cleanly (figures so far, CSV rows so far, no temp files) and wi exits with 128 + the signal.
#pragma once
#include <csignal>

namespace wi {

void install_interrupt_handlers();  // SIGINT and SIGTERM

// The signal that asked us to stop, or 0. Cheap enough to read at every step.
int interrupt_signal();

const char* signal_name(int sig);  // "SIGINT", "SIGTERM"

}  // namespace wi
