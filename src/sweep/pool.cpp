#include "pool.h"

#include <atomic>
#include <exception>
#include <mutex>

#include "../core/interrupt.h"

// The plain build's pool: this process's threads. The MPI build compiles pool_mpi.cpp instead.
#ifndef WI_MPI

namespace wi {

void run_pool(const std::vector<std::size_t>& todo, int threads, const PoolTask& task, const PoolDone& done) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first;
    std::mutex mu;  // done is called one at a time; first is set under it
    // Dynamic assignment: each thread takes the next run when it finishes one.
#pragma omp parallel num_threads(threads > 0 ? threads : 1)
    for (;;) {
        if (interrupt_signal() != 0 || failed.load()) break;
        const std::size_t k = next.fetch_add(1);
        if (k >= todo.size()) break;
        try {
            const std::optional<std::string> r = task(todo[k]);
            if (!r) continue;
            std::lock_guard<std::mutex> lock(mu);
            done(todo[k], *r);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mu);
            if (!first) first = std::current_exception();
            failed = true;
        }
    }
    if (first) std::rethrow_exception(first);
}

bool pool_is_writer() { return true; }

std::string pool_description(int threads) {
    return std::to_string(threads) + (threads == 1 ? " thread" : " threads");
}

}  // namespace wi

#endif
