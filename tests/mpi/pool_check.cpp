// pool_check.cpp - the MPI pool (src/backend/pool_mpi.cpp) on synthetic runs, for
// tests/test_mpi.cpp to start under mpirun (3 ranks), and for measuring its throughput. Only
// rank 0 prints; it ends with "pool_check: ok ..." and status 0, or "pool_check: FAIL ..." and 1.
//
//   pool_check check        two pools of runs of varying cost and result size: each index done
//                           exactly once, done calls never overlapping, results as expected,
//                           rank 0 running some of them; the ranks other than 0 pass no todo
//   pool_check error        a run on rank 2 throws: rank 0's run_pool throws its message
//   pool_check done-error   done throws on rank 0: run_pool throws that, after the runs in flight
//   pool_check signal       rank 1 gets SIGINT in a run: few runs start anywhere after it, and
//                           rank 0 sees the signal
//   pool_check writer-skips rank 0 never calls run_pool; the others' run_pool returns
//   pool_check bench [TASKS [MS [THREADS]]]   TASKS runs of MS ms of CPU each on THREADS
//                           threads per process: prints the seconds and runs per second
#include <mpi.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/interrupt.h"
#include "backend/pool.h"

using namespace wi;

namespace {

int g_rank = 0;
std::atomic<int> g_ran{0};      // runs this process started
std::atomic<int> g_running{0};  // runs of this process under way
std::vector<std::string> g_fails;

void fail(const std::string& why) { g_fails.push_back(why); }

int rank_here() {
    int on = 0;
    MPI_Initialized(&on);
    int r = 0;
    if (on) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

// Run i's result: a function of i alone, from 40 bytes to 9 KB (past Open MPI's eager limit).
std::string expected(std::size_t i) {
    std::string s = "run " + std::to_string(i) + ":";
    const std::size_t n = 40 + (i * 997) % 9000;
    for (std::size_t k = 0; s.size() < n; ++k) s += static_cast<char>('a' + (i * 31 + k * 7) % 26);
    return s;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Burns ms milliseconds of this thread's CPU time: a fixed amount of work, whatever the load.
void burn_ms(double ms) {
    auto cpu = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
    };
    const double until = cpu() + ms;
    volatile double x = 1;
    while (cpu() < until)
        for (int k = 0; k < 1000; ++k) x = x * 1.0000001 + 1e-9;
}

// Done: never two at once, each index once, with its expected result.
struct Recorder {
    std::map<std::size_t, int> seen;
    std::atomic<int> inside{0};
    bool overlap = false, wrong = false;
    int calls = 0;
    void operator()(std::size_t i, const std::string& r) {
        if (g_rank != 0) {
            std::fprintf(stderr, "pool_check: done called on rank %d\n", g_rank);
            std::exit(3);
        }
        if (inside.fetch_add(1) != 0) overlap = true;
        std::this_thread::sleep_for(std::chrono::microseconds(300));
        ++seen[i];
        ++calls;
        if (r != expected(i)) wrong = true;
        inside.fetch_sub(1);
    }
};

std::optional<std::string> timed_run(std::size_t i, int ms) {
    ++g_ran;
    ++g_running;
    sleep_ms(ms);
    --g_running;
    return expected(i);
}

void check_pool(const std::vector<std::size_t>& todo, const char* what) {
    Recorder rec;
    const std::vector<std::size_t> none;
    const int before = g_ran;
    run_pool(g_rank == 0 ? todo : none, 2, [](std::size_t i) { return timed_run(i, 2 + static_cast<int>(i % 7) * 4); },
             std::ref(rec));
    if (g_rank != 0) return;
    const int here = g_ran - before;
    if (rec.overlap) fail(std::string(what) + ": done calls overlapped");
    if (rec.wrong) fail(std::string(what) + ": a result differs from the expected one");
    if (rec.seen.size() != todo.size()) fail(std::string(what) + ": " + std::to_string(rec.seen.size()) + " indices done of " + std::to_string(todo.size()));
    for (std::size_t i : todo)
        if (rec.seen.count(i) == 0 || rec.seen[i] != 1) fail(std::string(what) + ": index " + std::to_string(i) + " done " + std::to_string(rec.seen.count(i) ? rec.seen[i] : 0) + " times");
    for (const auto& [i, n] : rec.seen)
        if (std::find(todo.begin(), todo.end(), i) == todo.end()) fail(std::string(what) + ": index " + std::to_string(i) + " is not in todo");
    if (!todo.empty() && (here <= 0 || here >= static_cast<int>(todo.size())))
        fail(std::string(what) + ": rank 0 ran " + std::to_string(here) + " of " + std::to_string(todo.size()) + " runs");
}

int finish(const std::string& ok) {
    if (g_rank != 0) return 0;
    if (g_fails.empty()) {
        std::printf("pool_check: ok (%s)\n", ok.c_str());
        return 0;
    }
    for (const std::string& f : g_fails) std::printf("pool_check: FAIL %s\n", f.c_str());
    return 1;
}

std::vector<std::size_t> range(std::size_t n) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i;
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "check";
    const bool writer = pool_is_writer();  // initializes MPI under mpirun
    g_rank = rank_here();
    if (writer != (g_rank == 0)) {
        std::printf("pool_check: FAIL rank %d says it is %sthe writer\n", g_rank, writer ? "" : "not ");
        return 1;
    }
    if (mode == "check") {
        if (pool_description(2) != "3 ranks x 2 threads") fail("pool_description(2) is \"" + pool_description(2) + "\"");
        std::vector<std::size_t> todo;  // not 0..n-1: some left out, out of order
        for (std::size_t i = 0; i < 90; ++i)
            if (i % 5 != 3) todo.push_back((i * 37) % 90);
        check_pool(todo, "first pool");
        check_pool({1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011}, "second pool");
        check_pool({}, "empty pool");
        return finish("every index done once by " + pool_description(2));
    }
    if (mode == "error" || mode == "done-error") {
        const bool in_done = mode == "done-error";
        Recorder rec;
        int done_calls = 0;
        std::string msg;
        try {
            static std::atomic<int> mine{0};
            run_pool(range(60), 1,
                     [&](std::size_t i) -> std::optional<std::string> {
                         if (!in_done && g_rank == 2 && ++mine == 2)
                             throw std::runtime_error("run " + std::to_string(i) + " failed on rank 2");
                         return timed_run(i, 20);
                     },
                     [&](std::size_t i, const std::string& r) {
                         rec(i, r);
                         if (in_done && ++done_calls == 5) throw std::runtime_error("done failed at its 5th call");
                     });
            if (g_rank == 0) fail("run_pool returned normally");
        } catch (const std::exception& e) {
            msg = e.what();
            if (g_rank != 0) fail("a rank other than 0 threw");
            if (g_running != 0) fail("run_pool threw with runs still under way on rank 0");
        }
        if (g_rank == 0 && msg.find(in_done ? "done failed at its 5th call" : "failed on rank 2") == std::string::npos)
            fail("the error is \"" + msg + "\"");
        if (g_rank == 0 && rec.calls >= 50) fail(std::to_string(rec.calls) + " of 60 runs were done: the failure stopped nothing");
        return finish("the error came back: " + msg);
    }
    if (mode == "signal") {
        install_interrupt_handlers();
        Recorder rec;
        std::atomic<int> mine{0};
        run_pool(range(90), 1,
                 [&](std::size_t i) -> std::optional<std::string> {
                     if (g_rank == 1 && ++mine == 3) std::raise(SIGINT);
                     timed_run(i, 30);
                     if (interrupt_signal() != 0) return std::nullopt;
                     return expected(i);
                 },
                 std::ref(rec));
        if (g_rank == 0 && interrupt_signal() != SIGINT) fail("rank 0 does not see the signal of rank 1");
        if (g_rank == 0 && rec.calls > 20) fail(std::to_string(rec.calls) + " of 90 runs were done after a signal at about the 7th");
        return finish(std::to_string(rec.calls) + " runs done before the signal stopped them");
    }
    if (mode == "writer-skips") {
        if (g_rank != 0) run_pool({}, 1, [](std::size_t i) { return timed_run(i, 1); }, [](std::size_t, const std::string&) {});
        return finish("rank 0 ended without its pool and the others followed");
    }
    if (mode == "bench") {
        const int tasks = argc > 2 ? std::atoi(argv[2]) : 40, threads = argc > 4 ? std::atoi(argv[4]) : 1;
        const double ms = argc > 3 ? std::atof(argv[3]) : 50;
        install_interrupt_handlers();  // as wi does: a Ctrl-C to mpirun ends the runs cleanly
        int calls = 0;
        const auto t0 = std::chrono::steady_clock::now();
        run_pool(range(static_cast<std::size_t>(tasks)), threads,
                 [&](std::size_t i) -> std::optional<std::string> {
                     burn_ms(ms);
                     if (interrupt_signal() != 0) return std::nullopt;
                     return expected(i);
                 },
                 [&](std::size_t, const std::string&) { ++calls; });
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (g_rank == 0 && interrupt_signal() != 0) {
            std::printf("pool_check bench: stopped by %s after %d runs\n", signal_name(interrupt_signal()), calls);
            return 128 + interrupt_signal();
        }
        if (g_rank == 0 && calls != tasks) fail(std::to_string(calls) + " of " + std::to_string(tasks) + " runs done");
        if (g_rank == 0 && g_fails.empty())
            std::printf("pool_check bench: %d runs of %g ms CPU on %s: %.3f s, %.2f runs/s\n", tasks, ms,
                        pool_description(threads).c_str(), s, tasks / s);
        return finish("bench");
    }
    if (g_rank == 0) std::fprintf(stderr, "usage: pool_check [check|error|done-error|signal|writer-skips|bench]\n");
    return 2;
}
