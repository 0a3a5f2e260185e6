#include "sweep.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../core/error.h"
#include "../core/fsutil.h"
#include "../core/interrupt.h"
#include "../core/outputs.h"
#include "../core/strf.h"
#include "../data/mnist.h"
#include "../report/progress.h"
#include "grid.h"
#include "../backend/pool.h"
#include "sweep_config.h"
#include "sweep_csv.h"
#include "sweep_report.h"

namespace wi {

namespace {

struct SweepArgs {
    std::string grid, grid_file, shard, metric = "test_accuracy", out = "out/sweep";
    bool shard_given = false, out_given = false;
    std::vector<std::string> rest;  // the training flags, for cli's parser
    std::vector<std::string> dirs;  // merge: the shard folders
};

// Flags a sweep cannot take: each belongs to a single run, or does something else than train.
const char* const kNotForSweep[] = {"--compare", "--explain-init", "--list-inits", "--stats", "--plots",
                                    "--grads",   "--save-init",    "--save-weights", "--load-weights", "--quick",
                                    "--width",   "--inits",        "--fan-in",       "--fan-out"};

SweepArgs split_args(const std::vector<std::string>& args, bool merge) {
    SweepArgs s;
    for (std::size_t i = merge ? 1 : 0; i < args.size(); ++i) {
        std::string flag = args[i], value;
        const std::size_t eq = flag.rfind("--", 0) == 0 ? flag.find('=') : std::string::npos;
        const bool inline_value = eq != std::string::npos;
        if (inline_value) value = flag.substr(eq + 1), flag = flag.substr(0, eq);
        auto next = [&]() -> std::string {
            if (inline_value) return value;
            if (i + 1 >= args.size()) throw Error(flag + ": missing value");
            return args[++i];
        };
        auto nonempty = [&](std::string v) {
            if (v.empty()) throw Error(flag + ": missing value");
            return v;
        };
        if (flag == "--grid" && !merge) s.grid = nonempty(next());
        else if (flag == "--grid-file" && !merge) s.grid_file = nonempty(next());
        else if (flag == "--shard" && !merge) s.shard = next(), s.shard_given = true;
        else if (flag == "--metric") s.metric = next(), check_metric(s.metric);
        else if (flag == "--out") s.out = nonempty(next()), s.out_given = true;
        else if (merge && (flag == "-q" || flag == "--quiet")) s.rest.push_back(flag);
        else if (merge && flag.rfind("-", 0) != 0) s.dirs.push_back(args[i]);
        else if (merge) throw Error("sweep merge: unknown flag '" + args[i] + "' (it takes DIR... --out DIR [--metric NAME] [-q])");
        else {
            for (const char* f : kNotForSweep)
                if (flag == f) throw Error(flag + ": not for `wi sweep` (it belongs to a single run; sweep its settings with --grid)");
            if (flag == "--device" && next() != "cpu")
                throw Error("--device: `wi sweep` runs on the CPU (one run per core)");
            else if (flag == "--device") continue;
            if (flag == "sweep" || flag == "plot" || flag == "experiment" || flag == "notebook")
                throw Error("'" + flag + "' must come first: wi " + flag + " ...");
            s.rest.push_back(args[i]);
        }
    }
    return s;
}

long long env_number(const char* name, const char* text) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno == ERANGE || v < 0)
        throw Error(std::string(name) + ": '" + text + "' is not a non-negative integer");
    return v;
}

// K and N of --shard K/N, else of Slurm's job array, else 0/1.
std::pair<std::size_t, std::size_t> shard_of(const SweepArgs& a) {
    if (a.shard_given) {
        const std::size_t slash = a.shard.find('/');
        char* end = nullptr;
        const std::string k = a.shard.substr(0, slash), n = slash == std::string::npos ? "" : a.shard.substr(slash + 1);
        const long long kv = std::strtoll(k.c_str(), &end, 10);
        const bool k_ok = !k.empty() && *end == '\0' && k.find_first_not_of("0123456789") == std::string::npos;
        const long long nv = std::strtoll(n.c_str(), &end, 10);
        const bool n_ok = !n.empty() && *end == '\0' && n.find_first_not_of("0123456789") == std::string::npos;
        if (!k_ok || !n_ok || nv < 1 || kv >= nv || nv > 1000000)
            throw Error("--shard: '" + a.shard + "' is not K/N with 0 <= K < N (e.g. 0/4)");
        return {static_cast<std::size_t>(kv), static_cast<std::size_t>(nv)};
    }
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (id == nullptr || count == nullptr) return {0, 1};
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    const long long k = env_number("SLURM_ARRAY_TASK_ID", id) - (min ? env_number("SLURM_ARRAY_TASK_MIN", min) : 0);
    const long long n = env_number("SLURM_ARRAY_TASK_COUNT", count);
    if (n < 1 || k < 0 || k >= n)
        throw Error(strf("SLURM_ARRAY_TASK_ID %s is not in 0..%lld of the job array (SLURM_ARRAY_TASK_COUNT %s)", id, n - 1, count));
    return {static_cast<std::size_t>(k), static_cast<std::size_t>(n)};
}

std::string axes_summary(const Grid& g) {
    std::string s;
    for (const Axis& a : g.axes) s += (s.empty() ? "" : " x ") + a.key + " " + std::to_string(a.values.size());
    return s;
}

// Holds DIR/.sweep.lock for the process's life: two sweeps never append to one sweep.csv.
void lock_dir(const std::string& dir) {
    const std::string path = join_path(dir, ".sweep.lock");
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("--out: " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        throw Error("--out: " + dir + ": another wi sweep is writing there (give each shard its own --out)");
}

void append_all(int fd, const std::string& path, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(path + ": write failed (" + std::strerror(errno) + ")");
        done += static_cast<std::size_t>(n);
    }
}

// The table and the figure of a sweep whose every run is in csv.
int report(const SweepCsv& csv, const std::string& metric, const std::string& dir, OutputLog& log) {
    std::fputs(sweep_table(csv, metric).c_str(), stdout);
    std::string why;
    log.attempt([&] {
        const std::string png = write_sweep_figure(csv, metric, dir, &why);
        if (png.empty()) std::printf("figure: not drawn (%s)\n", why.c_str());
        else std::printf("wrote %s\n", png.c_str());
    });
    return log.failures() ? kExitOutput : 0;
}

int run_sweep(const SweepArgs& a) {
    if (a.grid.empty() == a.grid_file.empty())
        throw Error(a.grid.empty() ? "sweep: which grid? (--grid 'KEY=VALUES;...' or --grid-file F)"
                                   : "--grid-file: cannot be combined with --grid (one grid per sweep)");
    const Grid grid = a.grid.empty() ? parse_grid_file(a.grid_file) : parse_grid(a.grid);
    const std::string flag = a.grid.empty() ? "--grid-file " + a.grid_file : "--grid";
    std::vector<SweepRun> runs = resolve_runs(grid, a.rest, flag);
    const Config base = parse_args(a.rest);
    const auto [shard, shards] = shard_of(a);
    const bool writer = pool_is_writer();
    const std::string csv_path = join_path(a.out, "sweep.csv");
    if (writer) {
        ensure_writable_dir(a.out, "--out");
        check_output_file(csv_path, "--out");
        lock_dir(a.out);
    }
    install_interrupt_handlers();
#ifdef _OPENMP
    const int threads = base.threads > 0 ? base.threads : omp_get_max_threads();
#else
    const int threads = 1;
#endif
    const Backend backend = Backend::choose(base.kernel, "cpu");
    const MnistData data = find_and_load_mnist(base.data, base.fetch, base.fetch_now);
    throw_if_interrupted();
    const Probe probe = make_probe(data.train);
    const std::string data_text = data.name + " " + std::to_string(data.train.count) + "/" + std::to_string(data.test.count);
    for (SweepRun& r : runs) identify(r, data_text);
    const std::string hash = hex16(grid_hash(runs));
    const std::string header = csv_header(grid, hash, fixed_settings(grid, base, data_text));

    // What is in DIR already: the same grid resumes, another is refused.
    std::vector<bool> finished(runs.size(), false);
    std::size_t done_before = 0;
    if (writer && is_file(csv_path)) {
        const SweepCsv old = read_sweep_csv(csv_path);
        if (old.hash != hash)
            throw Error("--out: " + a.out + " holds a sweep of another grid or other settings (its hash " + old.hash + ": " +
                        old.grid_text + "; this one's " + hash + "): choose another --out, or remove " + csv_path);
        for (const CsvRun& r : old.runs) finished[r.index] = true;
        done_before = old.runs.size();
        if (old.dropped > 0) write_file_atomic(csv_path, sweep_csv_text(old, header));  // the unfinished runs' lines go
    } else if (writer) {
        write_file_atomic(csv_path, header);
    }
    std::vector<std::size_t> todo;
    std::size_t mine = 0;
    long total_steps = 0;
    const long batches_per_epoch = data.train.count;  // divided by each run's batch below
    for (std::size_t i = shard; i < runs.size(); i += shards) {
        ++mine;
        if (finished[i]) continue;
        todo.push_back(i);
        total_steps += runs[i].cfg.epochs * ((batches_per_epoch + runs[i].cfg.batch - 1) / runs[i].cfg.batch);
    }
    const bool quiet = base.quiet;
    if (writer) {
        std::printf("data: %s (%s): %d train / %d test images\n", data.name.c_str(), data.dir.c_str(), data.train.count,
                    data.test.count);
        if (!quiet) {
            std::printf("sweep: %zu runs (%s)%s; path: %s, %s\n", runs.size(), axes_summary(grid).c_str(),
                        shards > 1 ? strf(", shard %zu/%zu: %zu of them", shard, shards, mine).c_str() : "",
                        backend.name().c_str(), pool_description(threads).c_str());
            std::printf("sweep: grid hash %s; %zu to run, %zu done before; %s\n", hash.c_str(), todo.size(),
                        mine - todo.size(), csv_path.c_str());
        }
        if (!flush_output(stdout)) return kExitOutput;
    }
    (void)done_before;

    const int fd = writer ? ::open(csv_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC) : -1;
    if (writer && fd < 0) throw Error(csv_path + ": cannot open it to append (" + std::strerror(errno) + ")");
    RunsProgress progress("sweep", static_cast<int>(todo.size()), total_steps,
                          writer ? RunsProgress::mode_for(quiet) : RunsProgress::Mode::Off);
    std::size_t written = 0;
    const PoolTask task = [&](std::size_t i) -> std::optional<std::string> {
        const SweepRun& run = runs[i];
        const auto start = std::chrono::steady_clock::now();
#ifdef _OPENMP
        // One thread a run: the evaluation's and large products' parallel regions inside it run
        // on this thread alone (a pool of one thread is not an active region, so they would not
        // be serialized by nesting: four shards of --threads 1 would each take every core).
        omp_set_num_threads(1);
#endif
        RunSetup s = run_setup(run.cfg);
        s.seed = s.opt.seed = run.seed;
        s.opt.backend = backend;
        const long batches = (data.train.count + s.opt.batch - 1) / s.opt.batch;
        s.opt.eval_every = static_cast<int>(std::max(1L, batches / 10));  // ten test points an epoch: steps_to_80
        s.opt.steps_done = progress.steps();
        if (interrupt_signal()) return std::nullopt;
        Mlp m = build_model(s, probe, nullptr);
        if (interrupt_signal()) return std::nullopt;  // LSUV cut short
        const TrainReport rep = train(m, data, s.opt, stdout);
        if (rep.interrupted_by) return std::nullopt;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const long planned = s.opt.epochs * batches;
        const std::string what = rep.diverged ? strf("diverged at step %ld", rep.diverged_step)
                                 : rep.epochs.back().tested ? strf("test accuracy %.3f", rep.epochs.back().test.accuracy)
                                                            : std::string("not tested");
        progress.run_finished(planned - static_cast<long>(rep.step_loss.size()),
                              run.label + ": " + what + strf(", %.1f s", seconds));
        return run_rows(run, rep, seconds);
    };
    const PoolDone done = [&](std::size_t, const std::string& rows) {
        append_all(fd, csv_path, rows);  // one write, at once: a kill loses at most the runs in flight
        ++written;
    };
    try {
        run_pool(todo, threads, task, done);
    } catch (...) {
        progress.stop();
        if (fd >= 0) ::close(fd);
        throw;
    }
    progress.stop();
    if (fd >= 0) ::close(fd);
    if (!writer) return interrupt_signal() ? 128 + interrupt_signal() : 0;
    if (const int sig = interrupt_signal()) {
        std::printf("sweep: stopped by %s: %zu of %zu runs done; the same command resumes\n", signal_name(sig),
                    mine - todo.size() + written, mine);
        return 128 + sig;
    }
    // Complete: sweep.csv again in grid order, then the table and the figure.
    SweepCsv csv = read_sweep_csv(csv_path);
    write_file_atomic(csv_path, sweep_csv_text(csv, header));
    OutputLog log;
    if (csv.runs.size() < runs.size()) {  // a shard: the figure needs every run
        std::fputs(sweep_table(csv, a.metric).c_str(), stdout);
        std::printf("wrote %s (shard %zu/%zu: %zu of %zu runs; wi sweep merge joins the shards' folders)\n",
                    csv_path.c_str(), shard, shards, csv.runs.size(), runs.size());
        return 0;
    }
    std::printf("wrote %s\n", csv_path.c_str());
    return report(csv, a.metric, a.out, log);
}

int run_merge(const SweepArgs& a) {
    if (a.dirs.empty()) throw Error("sweep merge: which folders? (wi sweep merge DIR... --out DIR)");
    if (!a.out_given) throw Error("sweep merge: --out DIR: where the merged sweep goes");
    std::vector<SweepCsv> parts;
    for (const std::string& d : a.dirs) {
        const std::string path = join_path(d, "sweep.csv");
        if (!is_file(path)) throw Error("sweep merge: " + d + ": no sweep.csv in it");
        parts.push_back(read_sweep_csv(path));
        if (parts.back().hash != parts.front().hash)
            throw Error("sweep merge: " + d + " holds another grid or other settings (hash " + parts.back().hash + ": " +
                        parts.back().grid_text + ") than " + a.dirs.front() + " (hash " + parts.front().hash + ")");
    }
    SweepCsv all = parts.front();
    std::vector<bool> have(all.grid.runs(), false);
    all.runs.clear();
    for (const SweepCsv& p : parts)
        for (const CsvRun& r : p.runs)
            if (!have[r.index]) have[r.index] = true, all.runs.push_back(r);
    std::string columns;
    const std::string header = csv_header(all.grid, all.hash, all.fixed);
    ensure_writable_dir(a.out, "--out");
    const std::string path = join_path(a.out, "sweep.csv");
    write_file_atomic(path, sweep_csv_text(all, header));
    std::size_t missing = 0;
    for (std::size_t i = 0; i < have.size(); ++i)
        if (!have[i]) {
            if (++missing <= 20) {
                std::string what;
                const std::vector<std::size_t> p = all.grid.position(i);
                for (std::size_t k = 0; k < p.size(); ++k)
                    what += (k ? " " : "") + all.grid.axes[k].key + "=" + all.grid.axes[k].values[p[k]];
                std::fprintf(stderr, "wi: sweep merge: missing run %zu: %s\n", i, what.c_str());
            }
        }
    if (missing > 20) std::fprintf(stderr, "wi: sweep merge: ... and %zu more missing runs\n", missing - 20);
    const bool quiet = !a.rest.empty();
    if (!quiet)
        std::printf("sweep merge: %zu folders, %zu of %zu runs; grid hash %s\n", parts.size(), all.runs.size(),
                    have.size(), all.hash.c_str());
    std::printf("wrote %s%s\n", path.c_str(), missing ? strf(" (%zu runs missing)", missing).c_str() : "");
    OutputLog log;
    const int status = report(all, a.metric, a.out, log);
    return missing ? 1 : status;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "--help" || arg == "-h") {
            std::fputs(help_text().c_str(), stdout);
            return 0;
        }
    const bool merge = !args.empty() && args[0] == "merge";
    const SweepArgs a = split_args(args, merge);
    return merge ? run_merge(a) : run_sweep(a);
}

}  // namespace wi
