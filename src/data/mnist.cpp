#include "mnist.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "../error.h"
#include "../fsutil.h"
#include "../interrupt.h"
#include "idx.h"

namespace wi {

namespace {

// The standard name, or the same with .gz; "" if neither exists. Anything by that name counts
// (the reader then says what is wrong with it, e.g. a FIFO or a directory), so a bad file is
// reported, not silently passed over for another data set.
std::string find_file(const std::string& dir, const std::string& name) {
    for (const std::string& candidate : {name, name + ".gz"}) {
        const std::string path = join_path(dir, candidate);
        if (path_exists(path)) return path;
    }
    return "";
}

std::string images_name(const std::string& prefix) { return prefix + "-images-idx3-ubyte"; }
std::string labels_name(const std::string& prefix) { return prefix + "-labels-idx1-ubyte"; }

// Candidate roots: the working directory, then the wi binary's directory.
std::vector<std::string> roots() {
    std::vector<std::string> r = {"."};
    const std::string exe = executable_dir();
    if (!exe.empty()) r.push_back(exe);
    return r;
}

// 256-entry table: byte -> normalized float, computed as torchvision does it in float32.
struct NormalizeTable {
    float v[256];
    NormalizeTable() {
        for (int p = 0; p < 256; ++p) v[p] = (static_cast<float>(p) / 255.0f - 0.5f) / 0.5f;
    }
};
const NormalizeTable kNormalize;

// Runs `bash script dest` with its output on stderr and waits for it, true if it succeeded. The
// script runs in its own process group, so a signal that stops wi (SIGINT, SIGTERM, SIGHUP) is
// passed on to it and its downloads at once, and wi then stops too, instead of waiting for a
// download that may take minutes.
bool run_fetch_script(const std::string& script, const std::string& dest) {
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::setpgid(0, 0);
        ::dup2(2, 1);
        ::execlp("bash", "bash", script.c_str(), dest.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here, so the group exists before any signal is passed on
    bool passed_on = false;
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, passed_on ? 0 : WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return false;
        if (!passed_on && interrupt_signal() != 0) {
            ::kill(-pid, SIGTERM);
            passed_on = true;
        } else if (!passed_on) {
            ::usleep(20000);
        }
    }
    throw_if_interrupted();
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

bool has_mnist_files(const std::string& dir) {
    for (const char* prefix : {"train", "t10k"})
        if (find_file(dir, images_name(prefix)).empty() || find_file(dir, labels_name(prefix)).empty()) return false;
    return true;
}

Dataset load_split(const std::string& dir, const std::string& prefix) {
    const std::string ipath = find_file(dir, images_name(prefix));
    const std::string lpath = find_file(dir, labels_name(prefix));
    std::string missing;
    if (ipath.empty()) missing = join_path(dir, images_name(prefix)) + "[.gz]";
    if (lpath.empty()) missing += (missing.empty() ? "" : ", ") + join_path(dir, labels_name(prefix)) + "[.gz]";
    if (!missing.empty()) throw Error(missing + ": no such file");
    for (const std::string& path : {ipath, lpath})
        if (path_exists(path + ".gz"))  // path is the raw file: find_file tries it first
            std::fprintf(stderr, "wi: note: %s and %s.gz are both there; reading %s\n", path.c_str(), path.c_str(),
                         path.c_str());
    IdxPair pair = read_idx_pair(ipath, lpath);
    Dataset d;
    d.count = pair.images.count;
    d.pixels = std::move(pair.images.pixels);
    d.labels = std::move(pair.labels);
    return d;
}

MnistData load_mnist_dir(const std::string& dir, const std::string& name) {
    // Every missing file named at once, so one look at the message says what to fetch.
    std::vector<std::string> missing;
    for (const char* prefix : {"train", "t10k"})
        for (const std::string& file : {images_name(prefix), labels_name(prefix)})
            if (find_file(dir, file).empty()) missing.push_back(file + "[.gz]");
    if (!missing.empty()) {
        std::string list;
        for (std::size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
        throw Error(dir + ": missing " + std::to_string(missing.size()) + " of the 4 MNIST files: " + list);
    }
    MnistData m;
    m.name = name;
    m.dir = dir;
    m.train = load_split(dir, "train");
    m.test = load_split(dir, "t10k");
    return m;
}

MnistData find_and_load_mnist(const std::string& data_flag, bool allow_fetch) {
    if (!data_flag.empty()) {
        require_dir(data_flag, "--data");
        return load_mnist_dir(data_flag, "MNIST files from --data");
    }
    for (const std::string& root : roots()) {
        const std::string full = join_path(root, "data/mnist");
        if (has_mnist_files(full)) return load_mnist_dir(full, "MNIST");
    }
    if (allow_fetch) {
        for (const std::string& root : roots()) {
            const std::string script = join_path(root, "data_fetch/fetch_mnist.sh");
            if (!is_file(script)) continue;
            const std::string dest = join_path(root, "data/mnist");
            std::fprintf(stderr, "wi: full MNIST not found; trying to download it into %s (--no-fetch skips this)\n",
                         dest.c_str());
            std::fflush(stderr);
            if (run_fetch_script(script, dest) && has_mnist_files(dest)) return load_mnist_dir(dest, "MNIST");
            std::fprintf(stderr, "wi: download failed; using the bundled sample\n");
            break;
        }
    }
    for (const std::string& root : roots()) {
        const std::string sample = join_path(root, "data_fetch/mnist-sample");
        if (has_mnist_files(sample)) return load_mnist_dir(sample, "bundled MNIST sample");
    }
    throw Error("no data set found: no data/mnist/, no bundled sample in data_fetch/mnist-sample/; "
                "pass --data DIR or run data_fetch/fetch_mnist.sh");
}

void normalize_batch(float* x, const Dataset& d, const int* idx, int B) {
    for (int n = 0; n < B; ++n) {
        const std::uint8_t* p = d.pixels.data() + static_cast<std::size_t>(idx[n]) * kImagePixels;
        float* xn = x + static_cast<std::size_t>(n) * kImagePixels;
        for (int i = 0; i < kImagePixels; ++i) xn[i] = kNormalize.v[p[i]];  // (p/255 - 0.5) / 0.5
    }
}

}  // namespace wi
