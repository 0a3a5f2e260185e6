#include "interrupt.h"

namespace wi {

namespace {
// The one piece of global state in wi: a signal handler can reach nothing else.
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_count = 0;  // signals received so far

extern "C" void on_signal(int sig) {
    g_signal = sig;
    g_count = g_count + 1;
}
}  // namespace

void install_interrupt_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;  // blocking reads and writes carry on; the trainer checks the flag
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    // A closed terminal: stop as for SIGTERM - unless wi was started with SIGHUP ignored
    // (`nohup wi ...`), which asks for the run to outlive the terminal.
    struct sigaction old {};
    if (sigaction(SIGHUP, nullptr, &old) != 0 || old.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, nullptr);
}

int interrupt_signal() { return g_signal; }

int interrupt_count() { return g_count; }

const char* signal_name(int sig) {
    switch (sig) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        default: return "a signal";
    }
}

void throw_if_interrupted(int seen) {
    if (g_count > seen) throw Interrupted{g_signal};
}

}  // namespace wi
