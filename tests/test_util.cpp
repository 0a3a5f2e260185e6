#include "test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wi_test {

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/wi-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
}

TempDir::~TempDir() {
    const std::string cmd = "rm -rf '" + path_ + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", path_.c_str());
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + path);
}

void write_gzip(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot gzopen " + path);
    if (!bytes.empty() && gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size()))
        throw std::runtime_error("gzwrite failed " + path);
    gzclose(f);
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

int count_files(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return -1;
    int n = 0;
    while (dirent* e = ::readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
    ::closedir(d);
    return n;
}

// WI_TEST_ROOT and WI_TEST_BIN in the environment override the built-in paths, for a test
// binary built on one machine and run on another (tests/gpu_check.sh).
std::string repo_root() {
    if (const char* env = std::getenv("WI_TEST_ROOT"); env != nullptr && *env != '\0') return env;
#ifdef WI_TEST_ROOT
    return WI_TEST_ROOT;
#else
    return ".";
#endif
}

std::string wi_binary() {
    if (const char* env = std::getenv("WI_TEST_BIN"); env != nullptr && *env != '\0') return env;
#ifdef WI_TEST_BIN
    return WI_TEST_BIN;
#else
    return repo_root() + "/wi";
#endif
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string sample_dir() { return repo_root() + "/data_fetch/mnist-sample"; }

RunResult run_wi(const std::string& args, const std::string& env) {
    TempDir tmp;
    const std::string cmd = "cd '" + repo_root() + "' && " + env + " WI_NO_FETCH=1 '" + wi_binary() + "' " + args + " >'" +
                            (tmp / "out") + "' 2>'" + (tmp / "err") + "' </dev/null";
    const int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = (raw != -1 && WIFEXITED(raw)) ? WEXITSTATUS(raw) : -1;
    r.out = read_file(tmp / "out");
    r.err = read_file(tmp / "err");
    return r;
}

LinearMagnitudes linear_magnitudes(const std::vector<float>& x, const std::vector<float>& W, const std::vector<float>& b,
                                   const std::vector<float>& dy, int B, int in, int out) {
    LinearMagnitudes s;
    s.y.assign(static_cast<std::size_t>(B) * out, 0.0);
    s.dx.assign(static_cast<std::size_t>(B) * in, 0.0);
    s.dW.assign(static_cast<std::size_t>(out) * in, 0.0);
    s.db.assign(out, 0.0);
    for (int n = 0; n < B; ++n)
        for (int o = 0; o < out; ++o) {
            s.y[n * out + o] += std::abs(b[o]);
            s.db[o] += std::abs(dy[n * out + o]);
            for (int i = 0; i < in; ++i) {
                s.y[n * out + o] += std::abs(x[n * in + i] * W[o * in + i]);
                s.dW[o * in + i] += std::abs(dy[n * out + o] * x[n * in + i]);
                s.dx[n * in + i] += std::abs(dy[n * out + o] * W[o * in + i]);
            }
        }
    for (auto* v : {&s.y, &s.dx, &s.dW, &s.db})
        for (double& e : *v) e = std::max(e, 1e-30);
    return s;
}

std::vector<float> randn(std::size_t n, wi::Rng& rng, double scale) {
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(scale * rng.normal());
    return v;
}

double worst(const std::vector<float>& a, const std::vector<float>& b, const std::vector<double>& scale) {
    double w = 0;
    for (std::size_t i = 0; i < a.size(); ++i) w = std::max(w, std::abs(static_cast<double>(a[i]) - b[i]) / scale[i]);
    return w;
}

double max_abs(const float* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::abs(static_cast<double>(v[i])));
    return m;
}

bool readme_says(const std::string& phrase) {
    std::string text, words = read_file(repo_root() + "/README.md");
    bool space = false;
    for (const char c : words) {  // runs of spaces and line breaks as one space
        if (c == ' ' || c == '\n') {
            space = !text.empty();
            continue;
        }
        if (space) text += ' ';
        space = false;
        text += c;
    }
    return text.find(phrase) != std::string::npos;
}

pid_t spawn_wi(const std::vector<std::string>& args, const std::string& out_path) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        const int fd = out_path.empty() ? null : open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(null, 2);
        std::vector<char*> argv;
        std::string bin = wi_binary();
        argv.push_back(bin.data());
        std::vector<std::string> copy = args;
        for (std::string& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

Stopped run_and_signal(const std::vector<std::string>& args, const std::string& ready, int sig, const TempDir& dir,
                       int settle_ms) {
    const std::string out_path = dir / "stdout";
    const pid_t pid = spawn_wi(args, out_path);
    const auto start = std::chrono::steady_clock::now();
    while (read_file(out_path).find(ready) == std::string::npos &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));  // well inside the next steps
    kill(pid, sig);
    int raw = 0;
    waitpid(pid, &raw, 0);
    Stopped s;
    s.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    s.out = read_file(out_path);
    return s;
}

}  // namespace wi_test
