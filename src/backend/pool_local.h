// pool_local.h - the threads of one process: the plain pool's loop (pool.cpp's run_pool, the MPI
// build's pool in a process started without mpirun, and run_compare's runs), and, for the MPI
// build's pool (pool_mpi.cpp), the workers of one rank, which run what that rank's agent gives
// them and hand back what the runs return.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../core/interrupt.h"
#include "pool.h"

namespace wi {

// Dynamic assignment over this process's threads (each takes the next run when it finishes
// one), done under a lock; the contract of run_pool in pool.h.
inline void run_local_pool(const std::vector<std::size_t>& todo, int threads, const PoolTask& task,
                           const PoolDone& done) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first;
    std::mutex mu;
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

// One rank's workers and its agent's side of them. The agent gives indices (at most wanted()
// at a time: one per idle worker), collects outcomes, and waits for them between its polls.
class LocalWorkers {
public:
    struct Outcome {
        std::size_t index = 0;
        std::optional<std::string> result;  // nothing: a signal stopped the run, or it never started
        std::exception_ptr error;
    };

    explicit LocalWorkers(int workers) : workers_(static_cast<std::size_t>(workers > 0 ? workers : 1)) {}

    // A worker thread: runs the given indices until close(). No run starts after a signal or
    // after a run here failed.
    void work(const PoolTask& task) {
        for (;;) {
            Outcome o;
            {
                std::unique_lock<std::mutex> lock(mu_);
                work_cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
                if (queue_.empty()) return;
                o.index = queue_.front();
                queue_.pop_front();
                ++busy_;
            }
            if (interrupt_signal() == 0) {
                try {
                    o.result = task(o.index);
                } catch (...) {
                    o.error = std::current_exception();
                }
            }
            {
                std::lock_guard<std::mutex> lock(mu_);
                if (o.error) halt_locked();
                outbox_.push_back(std::move(o));
                --busy_;
            }
            agent_cv_.notify_one();
        }
    }

    std::size_t wanted() {  // idle workers not yet given a run
        std::lock_guard<std::mutex> lock(mu_);
        const std::size_t taken = busy_ + queue_.size();
        return halted_ || taken >= workers_ ? 0 : workers_ - taken;
    }
    void give(std::size_t index) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (halted_) return;
            queue_.push_back(index);
        }
        work_cv_.notify_one();
    }
    std::vector<Outcome> collect() {
        std::lock_guard<std::mutex> lock(mu_);
        std::vector<Outcome> out;
        out.swap(outbox_);
        return out;
    }
    // Until an outcome is waiting, or for d at most.
    void wait(std::chrono::microseconds d) {
        std::unique_lock<std::mutex> lock(mu_);
        agent_cv_.wait_for(lock, d, [&] { return !outbox_.empty(); });
    }
    bool quiet() {  // no run under way, given or uncollected
        std::lock_guard<std::mutex> lock(mu_);
        return busy_ == 0 && queue_.empty() && outbox_.empty();
    }
    void halt() {  // no new run: what was given and not started is dropped
        std::lock_guard<std::mutex> lock(mu_);
        halt_locked();
    }
    bool halted() {
        std::lock_guard<std::mutex> lock(mu_);
        return halted_;
    }
    void close() {  // the workers return once idle
        {
            std::lock_guard<std::mutex> lock(mu_);
            closed_ = true;
            queue_.clear();
        }
        work_cv_.notify_all();
    }

private:
    void halt_locked() {
        halted_ = true;
        queue_.clear();
    }

    const std::size_t workers_;
    std::mutex mu_;
    std::condition_variable work_cv_, agent_cv_;
    std::deque<std::size_t> queue_;
    std::vector<Outcome> outbox_;
    std::size_t busy_ = 0;
    bool halted_ = false, closed_ = false;
};

}  // namespace wi
