#include "mnist.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "../core/error.h"
#include "../core/fsutil.h"
#include "../core/interrupt.h"
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

// What a run of the fetch script did: whether it succeeded, and what it printed.
struct FetchOutcome {
    bool ok = false;
    int status = -1;  // its exit status (-1: it did not exit)
    std::string log;  // its stdout and stderr together
};

// Runs `bash script dest`, its output collected (not shown), and waits for it. The script runs
// in its own process group, so a signal that stops wi (SIGINT, SIGTERM, SIGHUP) is passed on to
// it and its downloads at once, and wi then stops too, instead of waiting for a download that
// may take minutes.
FetchOutcome run_fetch_script(const std::string& script, const std::string& dest) {
    FetchOutcome out;
    std::fflush(stdout);
    int fds[2];
    if (::pipe(fds) != 0) return out;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return out;
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execlp("bash", "bash", script.c_str(), dest.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    ::setpgid(pid, pid);  // also here, so the group exists before any signal is passed on
    bool passed_on = false, open = true;
    int status = 0;
    while (true) {
        if (open) {  // what the script printed so far; waits at most 20 ms
            pollfd p{fds[0], POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) {
                char buf[4096];
                const ssize_t n = ::read(fds[0], buf, sizeof buf);
                if (n > 0 && out.log.size() < (1u << 20)) out.log.append(buf, static_cast<std::size_t>(n));
                if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) open = false;
            }
        }
        const pid_t done = ::waitpid(pid, &status, passed_on && !open ? 0 : WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            ::close(fds[0]);
            return out;
        }
        if (!passed_on && interrupt_signal() != 0) {
            ::kill(-pid, SIGTERM);
            passed_on = true;
        } else if (!open && !passed_on) {
            ::usleep(20000);
        }
    }
    ::close(fds[0]);  // what is still unread (a child of the script holding the pipe) is not waited for
    throw_if_interrupted();
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out.ok = out.status == 0;
    return out;
}

// The reason the script gave ("fetch_mnist: failed: REASON", its last such line).
std::string fetch_reason(const FetchOutcome& f) {
    const std::string tag = "fetch_mnist: failed: ";
    const std::size_t at = f.log.rfind(tag);
    if (at == std::string::npos)
        return f.status < 0 ? "the download script did not finish"
                            : "the download script failed with exit status " + std::to_string(f.status);
    std::string r = f.log.substr(at + tag.size());
    r = r.substr(0, r.find('\n'));
    return r;
}

// 10000 -> "10,000"
std::string grouped(long n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > (n < 0 ? 1 : 0); i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

std::string utc_text(long long t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The marker's text, "" when there is none or it cannot be read (then it does not count).
std::string read_marker(const std::string& path) {
    std::FILE* f = is_file(path) ? std::fopen(path.c_str(), "rb") : nullptr;
    if (f == nullptr) return "";
    char buf[256];
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);  // the time is on the first line
    std::fclose(f);
    return std::string(buf, n);
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

bool fetch_marker_holds(const std::string& text, long long now) {
    std::tm tm{};
    const std::string first = text.substr(0, text.find('\n'));
    const char* end = ::strptime(first.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == nullptr || *end != '\0') return false;
    const long long t = static_cast<long long>(::timegm(&tm));
    return t <= now && now - t < kFetchRetrySeconds;
}

MnistData find_and_load_mnist(const std::string& data_flag, bool allow_fetch, bool fetch_now) {
    if (!data_flag.empty()) {
        require_dir(data_flag, "--data");
        return load_mnist_dir(data_flag, "MNIST files from --data");
    }
    for (const std::string& root : roots()) {
        const std::string full = join_path(root, "data/mnist");
        if (has_mnist_files(full)) return load_mnist_dir(full, "MNIST");
    }
    std::string failure;  // the one line about a download that failed just now
    if (allow_fetch) {
        for (const std::string& root : roots()) {
            const std::string script = join_path(root, "data_fetch/fetch_mnist.sh");
            if (!is_file(script)) continue;
            const std::string dest = join_path(root, "data/mnist");
            const std::string marker = join_path(dest, kFetchFailedMarker);
            const long long now = static_cast<long long>(std::time(nullptr));
            if (!fetch_now && fetch_marker_holds(read_marker(marker), now)) break;  // failed within a day: quietly on
            const bool terminal = ::isatty(STDERR_FILENO) == 1;
            if (terminal) {  // while it runs; replaced by the line saying how it went
                std::fprintf(stderr, "wi: downloading full MNIST into %s ...", dest.c_str());
                std::fflush(stderr);
            }
            FetchOutcome f;
            try {
                f = run_fetch_script(script, dest);
            } catch (...) {  // stopped by a signal: the line is erased before wi says so
                if (terminal) std::fprintf(stderr, "\r\033[K");
                throw;
            }
            if (terminal) std::fprintf(stderr, "\r\033[K");
            if (f.ok && has_mnist_files(dest)) {
                std::fprintf(stderr, "wi: downloaded full MNIST into %s (MD5-verified)\n", dest.c_str());
                return load_mnist_dir(dest, "MNIST");
            }
            const std::string reason = f.ok ? "the files are not all there after it" : fetch_reason(f);
            failure = "wi: full MNIST could not be downloaded (" + reason + (reason == "no network" ? "?)" : ")");
            try {  // remembered, so the next runs of the day go straight to the sample
                make_dirs(dest);
                write_file_atomic(marker, utc_text(now) + "\n" + reason + "\n" + f.log);
            } catch (const Error&) {  // not writable: the next run tries again, no harm done
            }
            break;
        }
    }
    for (const std::string& root : roots()) {
        const std::string sample = join_path(root, "data_fetch/mnist-sample");
        if (!has_mnist_files(sample)) continue;
        MnistData m = load_mnist_dir(sample, "bundled MNIST sample");
        if (!failure.empty())
            std::fprintf(stderr, "%s; using the bundled %s-digit sample \xE2\x80\x94 make data or --fetch retries\n",
                         failure.c_str(), grouped(static_cast<long>(m.train.count) + m.test.count).c_str());
        return m;
    }
    if (!failure.empty()) std::fprintf(stderr, "%s\n", failure.c_str());
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
