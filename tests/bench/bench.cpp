// bench.cpp - `make bench`: seconds per epoch of wi's training, reference and SIMD paths in the
// same run, beside PyTorch when Debian's python3-torch is there. Not a test: it measures.
//
// Data: the bundled sample's 8,000 training digits tiled to 60,000 (or --data DIR). Each
// measurement is one warm-up epoch and then --reps timed epochs; the median is reported.
// FLOPs count the three matrix products of each layer (forward, weight gradient, input
// gradient; the first layer has no input gradient) at 2 per multiply-add. The peak is measured
// here, on this core, by a loop of independent vector FMAs (see fma_loop in simd_kernels.inc).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "bench_mpi.h"  // the sweep pool over MPI ranks
#include "backend/backend.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "init/init.h"
#include "train/compare.h"
#include "train/trainer.h"
#include "bench_gpu.h"
#include "bench_sweep.h"

using namespace wi;

namespace wi {

Dataset tile(const Dataset& d, int n) {
    Dataset t;
    t.count = n;
    t.pixels.resize(static_cast<std::size_t>(n) * kImagePixels);
    t.labels.resize(n);
    for (int i = 0; i < n; ++i) {
        std::copy_n(d.pixels.begin() + static_cast<std::size_t>(i % d.count) * kImagePixels, kImagePixels,
                    t.pixels.begin() + static_cast<std::size_t>(i) * kImagePixels);
        t.labels[i] = d.labels[i % d.count];
    }
    return t;
}

void set_threads(int n) {
#ifdef _OPENMP
    omp_set_num_threads(n);
#else
    (void)n;
#endif
}

std::vector<RunSetup> compare_setups(const Backend& backend) {
    std::vector<RunSetup> setups;
    for (const char* init : {"xavier", "kaiming", "default", "zeros", "constant", "randn", "orthogonal", "lsuv",
                             "lecun_normal", "trunc_normal:std=0.02"}) {
        RunSetup s;
        s.label = init;
        s.spec = parse_init(init);
        s.arch = {784, 32, 32, 10};
        s.opt.epochs = 1;
        s.opt.backend = backend;
        s.opt.test_each_epoch = false;
        setups.push_back(s);
    }
    return setups;
}

}  // namespace wi

namespace {

struct Options {
    std::string data, root = ".";
    int reps = 5;
    int images = 60000;
    int ref_images = 6000;  // the reference path is timed on this many images, then scaled
    bool torch = true;
    std::string only;     // run only the configurations whose name contains this
    bool extras = true;   // the compare and denormal measurements
};

double median(std::vector<double> t) {
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}



double flops_per_image(const std::vector<int>& arch) {
    double macs = 0;
    for (std::size_t l = 0; l + 1 < arch.size(); ++l) macs += (l == 0 ? 2.0 : 3.0) * arch[l] * arch[l + 1];
    return 2 * macs;
}

struct Config {
    std::string name;
    std::vector<int> arch;
    Activation act;
    int batch;
    std::string init = "xavier";
};

struct EpochTimes {
    double median = 0, best = 0;
};

// Seconds for one epoch over `images` training images: the median and the fastest of reps.
EpochTimes time_epochs(const Config& c, const MnistData& base, int images, const Backend& path, int reps) {
    MnistData data;
    data.train = tile(base.train, images);
    std::vector<double> t;
    for (int r = 0; r <= reps; ++r) {  // r == 0: warm-up
        Mlp m = make_mlp(c.arch, c.act);
        Rng rng(1);
        initialize(m, parse_init(c.init), BiasPolicy{}, rng);
        TrainOptions opt;
        opt.epochs = 1;
        opt.batch = c.batch;
        opt.print = false;
        opt.test_each_epoch = false;
        opt.backend = path;
        const auto t0 = std::chrono::steady_clock::now();
        train(m, data, opt, stdout);
        if (r > 0) t.push_back(seconds_since(t0));
    }
    return {median(t), *std::min_element(t.begin(), t.end())};
}

double time_epoch(const Config& c, const MnistData& base, int images, const Backend& path, int reps) {
    return time_epochs(c, base, images, path, reps).median;
}

double measure_peak(const Backend& simd) {
    const CpuKernels* k = simd.kernels();
    if (k == nullptr) return 0;
    float sink;
    k->fma_loop(1000000, &sink);  // warm-up: clocks up
    const auto t0 = std::chrono::steady_clock::now();
    const double flops = k->fma_loop(40000000, &sink);
    return flops / seconds_since(t0) / 1e9;
}

std::map<std::string, double> torch_times(const Options& o) {
    std::map<std::string, double> times;
    if (!o.torch || std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) return times;
    const std::string cmd = "/usr/bin/python3 '" + o.root + "/tests/bench/bench_torch.py' --images " +
                            std::to_string(o.images) + " --reps " + std::to_string(o.reps) + " --data '" +
                            (o.data.empty() ? o.root + "/data_fetch/mnist-sample" : o.data) + "'";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return times;
    char name[128];
    double s;
    while (std::fscanf(p, "%127s %lf", name, &s) == 2) times[name] = s;
    pclose(p);
    return times;
}

// The tiled data set written to a temporary directory as IDX files, for the child processes
// below (removed by the caller). The tiled copy is freed before returning, so forks made right
// after see the benchmark still small.
std::string write_tiled_dir(const Options& o, const MnistData& base) {
    char tmpl[] = "/tmp/wi-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return "";
    const std::string dir = tmpl;
    {
        const Dataset train = tile(base.train, o.images);
        write_file_atomic(dir + "/train-images-idx3-ubyte", idx_images_bytes(train.pixels, train.count));
        write_file_atomic(dir + "/train-labels-idx1-ubyte", idx_labels_bytes(train.labels));
    }
    write_file_atomic(dir + "/t10k-images-idx3-ubyte", idx_images_bytes(base.test.pixels, base.test.count));
    write_file_atomic(dir + "/t10k-labels-idx1-ubyte", idx_labels_bytes(base.test.labels));
    return dir;
}

// Peak RSS of `wi` itself training one epoch on the tiled data set in dir: the memory a user's
// full-size run needs. A forked child starts with the parent's resident pages counted as its
// own, and the kernel keeps that count as the child's peak across exec: so this runs while the
// benchmark is still small (first thing), or it would report the benchmark's size.
double wi_peak_rss_mb(const Options& o, const std::string& dir) {
    if (dir.empty()) return -1;
    std::fflush(nullptr);  // else the child's freopen writes the parent's buffered output a second time
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string bin = o.root + "/wi";
        freopen("/dev/null", "w", stdout);
        execl(bin.c_str(), bin.c_str(), "--data", dir.c_str(), "--epochs", "1", "-q", "--threads", "1", "--no-fetch",
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage u{};
    wait4(pid, &status, 0, &u);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? u.ru_maxrss / 1024.0 : -1;
}

double peak_rss_mb() {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024.0;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--data") o.data = value();
        else if (a == "--root") o.root = value();
        else if (a == "--reps") o.reps = std::max(1, std::atoi(value().c_str()));
        else if (a == "--images") o.images = std::max(1000, std::atoi(value().c_str()));
        else if (a == "--ref-images") o.ref_images = std::max(500, std::atoi(value().c_str()));
        else if (a == "--no-torch") o.torch = false;
        else if (a == "--only") o.only = value(), o.extras = false;
        else {
            std::fprintf(stderr, "usage: wi_bench [--data DIR] [--reps N] [--images N] [--ref-images N] [--no-torch] [--only TEXT]\n");
            return 2;
        }
    }
    try {
        const MnistData base = o.data.empty() ? load_mnist_dir(o.root + "/data_fetch/mnist-sample", "sample")
                                              : load_mnist_dir(o.data, "--data");
        // first, while this process is small: see wi_peak_rss_mb
        const std::string tiled_dir = o.extras ? write_tiled_dir(o, base) : "";
        const double wi_rss = o.extras ? wi_peak_rss_mb(o, tiled_dir) : 0;
        const SweepMemory sweep_mem = o.extras && !tiled_dir.empty() ? sweep_memory(o.root, tiled_dir) : SweepMemory{};
        const Backend ref = Backend::reference(), simd = Backend::choose("simd");
        set_threads(1);
        const double peak = measure_peak(simd);
        std::printf("wi benchmark: %d training images per epoch (%s, tiled), median of %d epochs after a warm-up\n",
                    o.images, o.data.empty() ? "bundled sample" : o.data.c_str(), o.reps);
        std::printf("paths: %s and %s; one core's measured FMA peak (%s): %.1f GFLOP/s\n", ref.name().c_str(),
                    simd.name().c_str(), simd.name().c_str(), peak);
        std::printf("the reference path is timed on %d images and scaled to %d\n", o.ref_images, o.images);
        const std::map<std::string, double> torch = torch_times(o);
        std::printf("PyTorch (preloaded tensors, 1 thread): %s\n\n",
                    !o.torch         ? "skipped (--no-torch)"
                    : torch.empty() ? "skipped (/usr/bin/python3 cannot import torch)"
                                    : "measured by tests/bench/bench_torch.py");

        const std::vector<Config> configs = {
            {"784-32-32-10 none b4", {784, 32, 32, 10}, Activation::None, 4},
            {"784-32-32-10 none b64", {784, 32, 32, 10}, Activation::None, 64},
            {"784-256-256-10 relu b64", {784, 256, 256, 10}, Activation::Relu, 64, "kaiming"},
        };
        // The columns after "best" are computed from the median. On a shared machine the fastest
        // epoch tells what the code does when nothing else runs; the median what a run meets.
        std::printf("| configuration | path | threads | s/epoch | best | images/s | GFLOP/s | %% peak | vs ref | vs PyTorch |\n");
        std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
        for (const Config& c : configs) {
            if (!o.only.empty() && c.name.find(o.only) == std::string::npos) continue;
            const double flop = flops_per_image(c.arch) * o.images;
            const double t_ref = time_epoch(c, base, o.ref_images, ref, 1) * o.images / o.ref_images;
            auto row = [&](const char* path, int threads, EpochTimes e) {
                const double t = e.median;
                const auto it = torch.find(c.name.substr(0, c.name.find(' ')) + "_" + c.name.substr(c.name.rfind(' ') + 1));
                char vs_torch[32] = "-";
                if (it != torch.end()) std::snprintf(vs_torch, sizeof vs_torch, "%.1fx (%.2f s)", it->second / t, it->second);
                std::printf("| %s | %s | %d | %.3f | %.3f | %.0f | %.1f | %.0f%% | %.1fx | %s |\n", c.name.c_str(), path,
                            threads, t, e.best, o.images / t, flop / t / 1e9, 100 * flop / t / 1e9 / peak, t_ref / t,
                            vs_torch);
            };
            row("ref", 1, {t_ref, t_ref});
            set_threads(1);
            row(simd.name().c_str(), 1, time_epochs(c, base, o.images, simd, o.reps));
            if (c.batch >= 64) {
                set_threads(2);
                row(simd.name().c_str(), 2, time_epochs(c, base, o.images, simd, o.reps));
                set_threads(1);
            }
            std::fflush(stdout);
        }

        gpu_bench(base, o.images, o.reps, o.only, o.extras);  // the GPU rows (bench_gpu.cpp)
        if (!o.extras) return 0;
        // --compare of 10 inits, 1 epoch, batch 4: runs in parallel, one per thread
        MnistData full;
        full.train = tile(base.train, o.images);
        full.test = base.test;
        const Probe probe = make_probe(full.train);
        const std::vector<RunSetup> setups = compare_setups(simd);
        std::vector<double> t_compare[3];
        set_threads(2);
        run_compare(setups, full, probe);  // warm-up: page in the data, start the thread pool
        for (int rep = 0; rep < o.reps; ++rep)  // 1 and 2 threads in turns, so a slow spell hits both
            for (int threads : {1, 2}) {
                set_threads(threads);
                const auto t0 = std::chrono::steady_clock::now();
                run_compare(setups, full, probe);
                t_compare[threads].push_back(seconds_since(t0));
            }
        const double c1 = median(t_compare[1]), c2 = median(t_compare[2]);
        std::printf("\n--compare of 10 inits, 1 epoch, batch 4, %s: %.2f s on 1 thread, %.2f s on 2 (medians of %d): %.2fx\n",
                    simd.name().c_str(), c1, c2, o.reps, c1 / c2);
        mpi_pool_bench(o.root, o.reps);  // the sweep pool over MPI ranks (bench_mpi.cpp)

        // denormals: the notebook's 1e-8 weights against xavier on the seed configuration
        set_threads(1);
        Config unusual = configs[0], xavier = configs[0];
        unusual.init = "unusual:huge=1e-8";  // every weight randn * 1e-8: products land in denormal range
        std::vector<double> tu, tx;
        for (int rep = 0; rep < o.reps; ++rep) {  // in turns, so a slow spell hits both
            tu.push_back(time_epoch(unusual, base, o.images, simd, 1));
            tx.push_back(time_epoch(xavier, base, o.images, simd, 1));
        }
        const double t_unusual = median(tu), t_xavier = median(tx);
        std::printf("tiny weights (unusual:huge=1e-8, all randn*1e-8) vs xavier, seed configuration: %.3f s vs %.3f s: %.2fx\n",
                    t_unusual, t_xavier, t_unusual / t_xavier);
        std::printf("peak RSS of this benchmark process: %.0f MB\n", peak_rss_mb());
        if (wi_rss > 0)
            std::printf("peak RSS of ./wi training one epoch on %d images (seed configuration): %.0f MB\n", o.images, wi_rss);
        else
            std::printf("peak RSS of ./wi: not measured (./wi missing or failed; build it with make)\n");
        if (!tiled_dir.empty()) {
            sweep_bench(o.root, tiled_dir, o.reps, sweep_mem);
            std::system(("rm -rf '" + tiled_dir + "'").c_str());
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "wi_bench: %s\n", e.what());
        return 2;
    }
    return 0;
}
