// bench_sweep.cpp - the sweep rows of `make bench` (called from bench.cpp): runs per second of
// `wi sweep` over a 24-run grid of the seed configuration (4 inits x 3 learning rates x 2
// seeds, three epochs, batch 4, on the tiled 60,000 digits) on 1 and on 2 threads; MPI 2 ranks x 1 thread
// against 1 process x 2 threads when build-mpi/wi and mpirun are there; and the sweep's peak
// memory for a grid of 12 runs and one of 48 on 2 threads (it should grow with the threads,
// not with the grid).
//
// Each sweep is a child process (its wall time from fork to exit, its peak RSS from wait4), in
// a fresh output folder, so no run is skipped as already done.
#include "bench_sweep.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace wi {

namespace {

struct ChildRun {
    bool ok = false;
    double seconds = 0;
    double peak_mb = 0;  // the largest resident set of the child and the descendants it waited for
};

// argv[0] is run with stdout and stderr to /dev/null; env is "NAME=VALUE" pairs added.
ChildRun run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::fflush(nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    ChildRun r;
    if (pid < 0) return r;
    int status = 0;
    rusage u{};
    wait4(pid, &status, 0, &u);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    r.peak_mb = u.ru_maxrss / 1024.0;
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

bool executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

bool on_path(const char* name) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

const char* kGrid24 = "init=xavier_normal,kaiming_normal,orthogonal,randn;lr=0.001,0.003,0.01;seed=1,2";
const char* kGrid12 = "init=xavier_normal,kaiming_normal,orthogonal,randn;lr=0.001,0.003,0.01";
const char* kGrid48 = "init=xavier_normal,kaiming_normal,orthogonal,randn;lr=0.001,0.003,0.01;seed=1,2,3,4";

// One sweep of grid, in a fresh folder under scratch; prefix is the launcher (mpirun ...) or empty.
ChildRun sweep(const std::vector<std::string>& prefix, const std::string& wi, const std::string& data,
               const std::string& scratch, const char* grid, int threads) {
    static int n = 0;
    const std::string out = scratch + "/sweep" + std::to_string(++n);
    std::vector<std::string> argv = prefix;
    for (const std::string& a : {wi, std::string("sweep"), std::string("--grid"), std::string(grid),
                                 std::string("--epochs"), std::string("3"), std::string("--data"), data,
                                 std::string("--no-fetch"), std::string("-q"), std::string("--threads"),
                                 std::to_string(threads), std::string("--out"), out})
        argv.push_back(a);
    const ChildRun r = run_child(argv, {"OMP_NUM_THREADS=" + std::to_string(threads)});
    std::system(("rm -rf '" + out + "'").c_str());
    return r;
}

}  // namespace

SweepMemory sweep_memory(const std::string& root, const std::string& data) {
    SweepMemory m;
    const std::string wi = root + "/wi";
    if (!executable(wi)) return m;
    char tmpl[] = "/tmp/wi-bench-sweep-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return m;
    const ChildRun small = sweep({}, wi, data, tmpl, kGrid12, 2);
    const ChildRun large = sweep({}, wi, data, tmpl, kGrid48, 2);
    std::system(("rm -rf '" + std::string(tmpl) + "'").c_str());
    if (small.ok && large.ok) m = {true, small.peak_mb, large.peak_mb};
    return m;
}

void sweep_bench(const std::string& root, const std::string& data, int reps, const SweepMemory& memory) {
    const std::string wi = root + "/wi", wi_mpi = root + "/build-mpi/wi";
    std::printf("\nsweep of 24 runs (%s), the seed configuration (3 epochs, batch 4):\n", kGrid24);
    if (!executable(wi)) {
        std::printf("  not measured (./wi missing: build it with make)\n");
        return;
    }
    char tmpl[] = "/tmp/wi-bench-sweep-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        std::printf("  not measured (no temporary folder)\n");
        return;
    }
    const std::string scratch = tmpl;
    const bool mpi = executable(wi_mpi) && on_path("mpirun");
    const std::vector<std::string> mpirun = {"mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"};
    std::vector<double> t1, t2, tm;
    bool ok = sweep({}, wi, data, scratch, kGrid24, 2).ok;  // warm-up: page in the binary and the data
    for (int rep = 0; rep < reps && ok; ++rep) {  // in turns, so a slow spell hits every variant
        const ChildRun a = sweep({}, wi, data, scratch, kGrid24, 1);
        const ChildRun b = sweep({}, wi, data, scratch, kGrid24, 2);
        ok = a.ok && b.ok;
        t1.push_back(a.seconds);
        t2.push_back(b.seconds);
        if (mpi) {
            const ChildRun c = sweep(mpirun, wi_mpi, data, scratch, kGrid24, 1);
            if (c.ok) tm.push_back(c.seconds);
        }
    }
    std::system(("rm -rf '" + scratch + "'").c_str());
    if (!ok) {
        std::printf("  not measured (./wi sweep failed; run it by hand to see why)\n");
        return;
    }
    const double s1 = median(t1), s2 = median(t2);
    std::printf("  1 process, 1 thread:  %.2f s, %.1f runs/s\n", s1, 24 / s1);
    std::printf("  1 process, 2 threads: %.2f s, %.1f runs/s: %.2fx the 1-thread rate (goal >= 1.9x)\n", s2, 24 / s2,
                s1 / s2);
    if (!mpi)
        std::printf("  MPI 2 ranks x 1 thread: not measured (%s)\n",
                    executable(wi_mpi) ? "no mpirun on PATH" : "no build-mpi/wi: make MPI=1");
    else if (tm.size() < t1.size())
        std::printf("  MPI 2 ranks x 1 thread: not measured (mpirun build-mpi/wi sweep failed)\n");
    else {
        const double sm = median(tm);
        std::printf("  MPI 2 ranks x 1 thread: %.2f s, %.1f runs/s: %.2fx the time of 1 process x 2 threads (goal <= 1.10x)\n",
                    sm, 24 / sm, sm / s2);
    }
    std::printf("  (medians of %d)\n", reps);
    if (memory.measured)
        std::printf("  peak RSS on 2 threads: %.0f MB for 12 runs, %.0f MB for 48 runs\n", memory.mb_12_runs,
                    memory.mb_48_runs);
    else
        std::printf("  peak RSS: not measured (./wi sweep failed or missing)\n");
}

}  // namespace wi
