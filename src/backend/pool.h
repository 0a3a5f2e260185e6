// pool.h - where a sweep's runs run: the threads of this process, or (in the MPI build, under
// mpirun) the threads of every rank.
//
// A sweep hands the pool the indices of the runs still to do and two functions: task(i) runs
// run i and returns its result as text (nothing when a signal stopped it half-way); done(i, r)
// records a finished run. Each index is run exactly once, on one thread of one process; done
// is called only on the writing process (rank 0, or the only process), one call at a time, in
// the order runs finish. A result depends only on i, so where and in which order runs happen
// never changes the numbers.
//
// After a signal no new run starts; runs in flight finish or return nothing. The first
// exception from a task or from done stops new runs too and is rethrown (on the writer) once
// the runs in flight are over.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wi {

using PoolTask = std::function<std::optional<std::string>(std::size_t index)>;
using PoolDone = std::function<void(std::size_t index, const std::string& result)>;

// threads: OpenMP threads of this process (one run per thread). todo is read on the writer;
// other ranks receive it from there.
void run_pool(const std::vector<std::size_t>& todo, int threads, const PoolTask& task, const PoolDone& done);

// Whether this process writes files and the console: true except on MPI ranks other than 0.
bool pool_is_writer();

// On MPI ranks other than 0 (started by mpirun; the MPI build only): standard output and
// standard error go to /dev/null from here on, so a sweep's or a compare's lines (and data
// warnings) are printed once, by rank 0. pool_speak_again() gives standard error back, for the
// error line a rank exits with. Both do nothing elsewhere.
void pool_quiet_other_ranks();
void pool_speak_again();

// How the pool spreads runs, for the sweep's header line: "2 threads" or "3 ranks x 2 threads".
std::string pool_description(int threads);

}  // namespace wi
