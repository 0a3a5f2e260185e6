#include "test_util.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
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

}  // namespace wi_test
