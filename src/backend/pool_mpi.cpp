// pool_mpi.cpp - the MPI build's pool (make MPI=1; pool.cpp's plain pool is compiled out):
// under mpirun the runs spread over every rank, one run per OpenMP thread of each; rank 0 runs
// them too, and is the writer. Started without mpirun this build never calls MPI_Init and runs
// the plain pool's loop: one process, its threads.
//
// Assignment is dynamic, as in the plain pool: a thread that finishes a run gets the next one,
// so runs of different cost spread evenly (a grid's deep or wide runs take many times longer
// than its small ones). On every rank one extra thread, the agent, does all the MPI traffic and
// otherwise sleeps: it asks rank 0 for as many runs as its rank has idle workers and sends back
// each result. Rank 0's agent hands out todo from one counter, to its own workers and to the
// requests of the others, and calls done for every result, local or remote, so done calls
// never overlap and follow the order results reach the writer. The agents poll MPI with
// MPI_Iprobe and sleep between polls (at most kPoll): a blocking MPI receive spins a core in
// Open MPI, and that core is one a worker needs.
//
// Threads: only an agent calls MPI, and it is the thread that called run_pool, so
// MPI_THREAD_SERIALIZED is asked for and FUNNELED (MPI from the main thread only) is enough
// when the caller is the main thread, as wi's is; MULTIPLE is not needed and costs locks.
//
// One run_pool call is a session between rank 0 and each other rank; every rank must call
// run_pool the same number of times. Rank 0 answers a rank's BYE with FIN, and the rank reads
// and drops what rank 0 sent before FIN, so nothing of a session is left to the next. Rank 0
// only sends with MPI_Isend, so a rank blocked sending it a long result never deadlocks it. At
// exit rank 0 sends QUIT to every rank, which ends a session rank 0 never started (it failed
// before its run_pool); MPI_Finalize waits for every rank, so QUIT never meets an ended one.
//
// A task's exception on any rank stops new runs everywhere and, once the runs in flight are
// over, is rethrown on rank 0 (a remote one as wi::Error with its message); the other ranks
// return normally and quietly (exit status 0: mpirun ends the whole job, rank 0 with its
// message unprinted, as soon as one rank exits non-zero). A signal on any rank stops new runs
// everywhere, and rank 0 raises it on itself (when it has a handler) so the writer sees it.
// Indices and sizes travel as raw bytes: every rank is the same build on the same kind of CPU.
#include <fcntl.h>
#include <mpi.h>
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <list>
#include <mutex>
#include <vector>

#include "../core/error.h"
#include "../core/interrupt.h"
#include "pool.h"
#include "pool_local.h"

namespace wi {

namespace {

constexpr int kTag = 7;
constexpr std::size_t kMaxAssign = 256;  // indices per ASSIGN, so one stays small
constexpr auto kPoll = std::chrono::microseconds(2000);

// Message kinds, the first byte of each message. To rank 0: REQUEST (uint32 count), RESULT
// (uint64 index, text), FAILED (uint64 index, message), SIGNAL (int32), BYE. From rank 0:
// ASSIGN (uint64 indices; none = no more), STOP, FIN, QUIT.
enum Kind : char { kRequest = 'R', kResult = 'D', kFailed = 'F', kSignal = 'S', kBye = 'B',
                   kAssign = 'A', kStop = 'X', kFin = 'N', kQuit = 'Q' };

struct World {
    bool mpi = false;  // started by mpirun (or another MPI launcher), MPI initialized
    int rank = 0, size = 1;
    MPI_Comm comm = MPI_COMM_NULL;
};

// Whether a launcher started this process: Open MPI's mpirun, PMIx (srun, prterun) or PMI.
bool launched() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(v) != nullptr) return true;
    return false;
}

World& world();

void finish() {
    World& w = world();
    std::fflush(nullptr);  // before any rank can end the job
    if (w.rank == 0) {
        const char quit = kQuit;
        for (int r = 1; r < w.size; ++r) MPI_Send(&quit, 1, MPI_BYTE, r, kTag, w.comm);
    }
    MPI_Comm_free(&w.comm);
    MPI_Finalize();
}

World& world() {
    static World w = [] {
        World v;
        if (!launched()) return v;
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
        if (provided < MPI_THREAD_FUNNELED) {
            std::fprintf(stderr, "wi: this MPI library gives no threads to MPI programs (MPI_THREAD_FUNNELED)\n");
            MPI_Abort(MPI_COMM_WORLD, kExitUsage);
        }
        MPI_Comm_dup(MPI_COMM_WORLD, &v.comm);  // the pool's own traffic, apart from anything else
        MPI_Comm_rank(v.comm, &v.rank);
        MPI_Comm_size(v.comm, &v.size);
        v.mpi = true;
        std::atexit(finish);
        return v;
    }();
    return w;
}

template <class T>
void put(std::string& s, T v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
T get(const std::string& s, std::size_t at) {
    T v{};
    if (at + sizeof v <= s.size()) std::memcpy(&v, s.data() + at, sizeof v);
    return v;
}

// The next message from rank `from`, if one has come.
bool receive(const World& w, int from, std::string& m) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(from, kTag, w.comm, &flag, &st);
    if (!flag) return false;
    int n = 0;
    MPI_Get_count(&st, MPI_BYTE, &n);
    m.assign(static_cast<std::size_t>(n), '\0');
    MPI_Recv(&m[0], n, MPI_BYTE, from, kTag, w.comm, MPI_STATUS_IGNORE);
    return true;
}

void send(const World& w, int to, const std::string& m) {  // blocking: ranks other than 0
    MPI_Send(m.data(), static_cast<int>(m.size()), MPI_BYTE, to, kTag, w.comm);
}

// Rank 0's sends: MPI_Isend, each message kept until it has gone.
class Outgoing {
public:
    void send(const World& w, int to, std::string m) {
        items_.push_back({std::move(m), MPI_REQUEST_NULL});
        Item& it = items_.back();
        MPI_Isend(it.bytes.data(), static_cast<int>(it.bytes.size()), MPI_BYTE, to, kTag, w.comm, &it.req);
    }
    void progress() {
        for (auto it = items_.begin(); it != items_.end();) {
            int flag = 0;
            MPI_Test(&it->req, &flag, MPI_STATUS_IGNORE);
            it = flag ? items_.erase(it) : std::next(it);
        }
    }
    void flush() {
        for (Item& it : items_) MPI_Wait(&it.req, MPI_STATUS_IGNORE);
        items_.clear();
    }

private:
    struct Item {
        std::string bytes;
        MPI_Request req;
    };
    std::list<Item> items_;  // a list: an Item never moves while its send is under way
};

// The message of the exception in flight, for another rank.
std::string message_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (const Interrupted& s) {
        return std::string("stopped by ") + signal_name(s.sig);
    } catch (...) {
        return "a run failed with an exception that is not a std::exception";
    }
}

// A signal that came to another rank, raised here for the writer's own checks - only where
// this process handles it (wi does; a program without handlers would just die of it).
void raise_here(int sig) {
    struct sigaction sa {};
    if (interrupt_signal() == 0 && sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler != SIG_DFL &&
        sa.sa_handler != SIG_IGN)
        std::raise(sig);
}

// Rank 0's agent: serves the other ranks and its own workers until every run is done (or the
// pool stopped) and every rank said BYE.
void serve(const World& w, const std::vector<std::size_t>& todo, LocalWorkers& local, const PoolDone& done) {
    std::size_t next = 0;
    bool stopping = false;
    int byes = 0;
    std::exception_ptr first;
    std::vector<bool> said_bye(static_cast<std::size_t>(w.size), false);
    Outgoing out;
    auto fail = [&](std::exception_ptr e) {
        if (!first) first = std::move(e);
        stopping = true;
    };
    auto record = [&](std::size_t i, const std::string& r) {
        try {
            done(i, r);
        } catch (...) {
            fail(std::current_exception());
        }
    };
    bool stop_sent = false;
    for (;;) {
        for (LocalWorkers::Outcome& o : local.collect()) {
            if (o.error) fail(o.error);
            else if (o.result) record(o.index, *o.result);
        }
        if (interrupt_signal() != 0) stopping = true;
        // Rank by rank, and none that said BYE: what it sends next is for the next session.
        for (int from = 1; from < w.size; ++from) {
            std::string m;
            while (!said_bye[from] && receive(w, from, m)) {
                const char kind = m.empty() ? '\0' : m[0];
                if (kind == kRequest) {
                    std::string a(1, kAssign);
                    const std::size_t n = std::min<std::size_t>(get<std::uint32_t>(m, 1), kMaxAssign);
                    for (std::size_t k = 0; !stopping && k < n && next < todo.size(); ++k)
                        put<std::uint64_t>(a, todo[next++]);
                    out.send(w, from, std::move(a));
                } else if (kind == kResult) {
                    record(get<std::uint64_t>(m, 1), m.substr(9));
                } else if (kind == kFailed) {
                    fail(std::make_exception_ptr(Error(m.substr(9))));
                } else if (kind == kSignal) {
                    raise_here(get<std::int32_t>(m, 1));
                    stopping = true;
                } else if (kind == kBye) {
                    said_bye[from] = true;
                    ++byes;
                    out.send(w, from, std::string(1, kFin));
                }
            }
        }
        if (stopping && !stop_sent) {
            stop_sent = true;
            local.halt();
            for (int r = 1; r < w.size; ++r)
                if (!said_bye[r]) out.send(w, r, std::string(1, kStop));
        }
        for (std::size_t n = stopping ? 0 : local.wanted(); n > 0 && next < todo.size(); --n) local.give(todo[next++]);
        out.progress();
        if (byes == w.size - 1 && local.quiet() && (stopping || next == todo.size())) break;
        local.wait(kPoll);
    }
    out.flush();
    if (first) std::rethrow_exception(first);
}

// The agent of another rank: asks rank 0 for runs while it has idle workers, sends back what
// they return, and says BYE when there is nothing more to do and its workers are idle.
void work_for_rank0(const World& w, LocalWorkers& local) {
    bool requested = false, no_more = false, signalled = false, quit = false;
    auto stop = [&]() {
        no_more = true;
        local.halt();
    };
    while (!quit) {
        for (LocalWorkers::Outcome& o : local.collect()) {
            std::string m(1, o.error ? kFailed : kResult);
            put<std::uint64_t>(m, o.index);
            if (o.error) {
                m += message_of(o.error);
                stop();
            } else if (o.result) {
                m += *o.result;
            } else {
                continue;  // a run a signal stopped: nothing to record
            }
            send(w, 0, m);
        }
        if (const int sig = interrupt_signal(); sig != 0 && !signalled) {
            std::string m(1, kSignal);
            put<std::int32_t>(m, sig);
            send(w, 0, m);
            signalled = true;
            stop();
        }
        std::string m;
        while (!quit && receive(w, 0, m)) {
            const char kind = m.empty() ? '\0' : m[0];
            if (kind == kAssign) {
                requested = false;
                if (m.size() == 1) no_more = true;
                for (std::size_t at = 1; !no_more && at + 8 <= m.size(); at += 8) local.give(get<std::uint64_t>(m, at));
            } else if (kind == kStop) {
                stop();
            } else if (kind == kQuit) {  // rank 0 is ending without this session
                stop();
                quit = true;
            }
        }
        if (local.halted()) no_more = true;  // a run here failed, or the team is short
        if (!no_more && !requested) {
            if (const std::size_t n = local.wanted(); n > 0) {
                std::string r(1, kRequest);
                put<std::uint32_t>(r, static_cast<std::uint32_t>(std::min(n, kMaxAssign)));
                send(w, 0, r);
                requested = true;
            }
        }
        if (no_more && local.quiet()) break;
        local.wait(kPoll);
    }
    if (quit) return;
    send(w, 0, std::string(1, kBye));
    for (;;) {  // what rank 0 sent before it saw BYE, up to its FIN
        std::string m;
        if (!receive(w, 0, m)) {
            local.wait(kPoll);
            continue;
        }
        if (!m.empty() && (m[0] == kFin || m[0] == kQuit)) break;
    }
}

}  // namespace

void run_pool(const std::vector<std::size_t>& todo, int threads, const PoolTask& task, const PoolDone& done) {
    const World& w = world();
    if (w.size == 1) return run_local_pool(todo, threads, task, done);
    const int workers = threads > 0 ? threads : 1;
    LocalWorkers local(workers);
    std::exception_ptr agent_error;
    bool short_team = false;
    // The agent is thread 0 (the caller's thread, the one MPI may be called from); the others work.
#pragma omp parallel num_threads(workers + 1)
    {
        if (omp_get_thread_num() == 0) {
            if (omp_get_num_threads() != workers + 1) {
                short_team = true;  // OMP_THREAD_LIMIT or a pool inside a parallel region
                local.halt();
            }
            try {
                if (w.rank == 0) serve(w, short_team ? std::vector<std::size_t>{} : todo, local, done);
                else work_for_rank0(w, local);
            } catch (...) {
                agent_error = std::current_exception();
            }
            local.close();
        } else {
            local.work(task);
        }
    }
    if (short_team && w.rank == 0)
        throw Error("the MPI pool needs " + std::to_string(workers + 1) + " OpenMP threads on each rank (" +
                    std::to_string(workers) + " runs and one for MPI) and got fewer");
    if (agent_error) std::rethrow_exception(agent_error);
}

bool pool_is_writer() { return world().rank == 0; }

namespace {
int saved_stderr = -1;  // standard error as it was, while a rank other than 0 is quiet
}

void pool_quiet_other_ranks() {
    if (!launched() || world().rank == 0 || saved_stderr >= 0) return;
    std::fflush(nullptr);
    saved_stderr = ::dup(2);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) return;
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::close(null);
}

void pool_speak_again() {
    if (saved_stderr < 0) return;
    std::fflush(stderr);
    ::dup2(saved_stderr, 2);
}

std::string pool_description(int threads) {
    const std::string t = std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    const int size = world().size;
    return size > 1 ? std::to_string(size) + " ranks x " + t : t;
}

}  // namespace wi
