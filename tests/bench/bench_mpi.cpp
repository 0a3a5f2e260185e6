// bench_mpi.cpp - the MPI pool's row of `make bench`: a sweep's runs on 2 MPI ranks of 1 thread
// each against 1 process of 2 threads (the plain pool's loop, which the MPI build runs outside
// mpirun), by tests/mpi/pool_check.cpp's bench mode. Each run burns a fixed amount of CPU time,
// so the two differ only in how the pool hands runs out and collects their results.
#include "bench_mpi.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace wi {

namespace {

constexpr int kRuns = 40;
constexpr int kRunMs = 50;

// The seconds pool_check bench reported, or a negative number if it failed.
double seconds_of(const std::string& cmd) {
    FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
    if (p == nullptr) return -1;
    double s = -1;
    char line[512];
    while (std::fgets(line, sizeof line, p) != nullptr) {
        // "pool_check bench: 40 runs of 50 ms CPU on 2 threads: 1.257 s, 31.81 runs/s"
        const char* at = std::strncmp(line, "pool_check bench: ", 18) == 0 ? std::strstr(line + 18, ": ") : nullptr;
        if (at != nullptr) s = std::atof(at + 2);
    }
    return pclose(p) == 0 ? s : -1;
}

double median(std::vector<double> t) {
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

void mpi_pool_bench(const std::string& root, int reps) {
    const std::string check = root + "/build-mpi/pool_check";
    const char* what = "the sweep pool, 40 runs of 50 ms CPU: 2 MPI ranks x 1 thread vs 1 process x 2 threads";
    if (access(check.c_str(), X_OK) != 0) {
        std::printf("%s: not measured (no %s: make MPI=1 build-mpi/pool_check)\n", what, check.c_str());
        return;
    }
    if (std::system("command -v mpirun >/dev/null 2>&1") != 0) {
        std::printf("%s: not measured (no mpirun: make deps MPI=1)\n", what);
        return;
    }
    const std::string args = " bench " + std::to_string(kRuns) + " " + std::to_string(kRunMs);
    const std::string local = "env -u OMPI_COMM_WORLD_SIZE '" + check + "'" + args + " 2";
    const std::string ranks = "mpirun --allow-run-as-root --oversubscribe -np 2 '" + check + "'" + args + " 1";
    std::vector<double> t_local, t_ranks;
    for (int rep = 0; rep < std::max(1, reps); ++rep) {  // in turns, so a slow spell hits both
        t_local.push_back(seconds_of(local));
        t_ranks.push_back(seconds_of(ranks));
        if (t_local.back() < 0 || t_ranks.back() < 0) {
            std::printf("%s: not measured (pool_check failed: %s)\n", what,
                        (t_local.back() < 0 ? local : ranks).c_str());
            return;
        }
    }
    const double l = median(t_local), r = median(t_ranks);
    std::printf("%s: %.3f s vs %.3f s (medians of %d; ideal %.3f s): %.2fx the time\n", what, r, l,
                static_cast<int>(t_local.size()), kRuns * kRunMs / 2000.0, r / l);
}

}  // namespace wi
