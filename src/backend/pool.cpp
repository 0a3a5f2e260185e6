#include "pool.h"

#include "pool_local.h"

// The plain build's pool: this process's threads. The MPI build compiles pool_mpi.cpp instead.
#ifndef WI_MPI

namespace wi {

void run_pool(const std::vector<std::size_t>& todo, int threads, const PoolTask& task, const PoolDone& done) {
    run_local_pool(todo, threads, task, done);
}

bool pool_is_writer() { return true; }

void pool_quiet_other_ranks() {}

void pool_speak_again() {}

std::string pool_description(int threads) {
    return std::to_string(threads) + (threads == 1 ? " thread" : " threads");
}

}  // namespace wi

#endif
