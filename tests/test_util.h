// test_util.h - small helpers shared by the test files: temp dirs, files, running ./wi, random
// vectors and error measures.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "core/rng.h"

namespace wi_test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

void write_file(const std::string& path, const std::string& bytes);
void write_gzip(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);
int count_files(const std::string& dir);

// The repository root (where ./wi and data_fetch/ live).
std::string repo_root();

// Whether README.md says `phrase` (words joined by single spaces, across its line breaks): a
// test that measures a number the README quotes checks the README against it.
bool readme_says(const std::string& phrase);

// What a signalled wi left: its exit status (-1 if it did not exit) and its standard output.
struct Stopped {
    int status = -1;
    std::string out;
};

// Starts the wi under test with args in a child process, stdout to out_path (empty:
// discarded), stderr discarded; returns its pid (the caller waits for it).
pid_t spawn_wi(const std::vector<std::string>& args, const std::string& out_path = "");

// Starts wi with args (stdout to dir/stdout, stderr discarded), waits until it has printed
// `ready` (at most 60 s), then settle_ms more, sends sig and waits for it to end.
Stopped run_and_signal(const std::vector<std::string>& args, const std::string& ready, int sig, const TempDir& dir,
                       int settle_ms = 200);
std::string sample_dir();  // the bundled sample
std::string wi_binary();   // the wi under test (make's BIN)

struct RunResult {
    int status = -1;  // exit status, or -1 if it did not exit normally
    std::string out, err;
};

// Runs the wi under test from the repository root with the given arguments (a shell fragment,
// already quoted), with WI_NO_FETCH=1 and any extra environment assignments in env.
RunResult run_wi(const std::string& args, const std::string& env = "");

bool contains(const std::string& text, const std::string& part);

// A float sum of n products differs from the exact one by at most about n * 2^-24 times the
// sum of the products' magnitudes, whatever the order or FMA use; for the 784-term sums here
// that bound is 5e-5, and summation errors behave like a random walk (about sqrt(n) * 2^-24 =
// 2e-6). Every twin of a reference kernel (SIMD, CUDA) must agree with it to 1e-5 of the sum
// of magnitudes, per element.
constexpr double kKernelTol = 1e-5;

// For a linear layer y = x W^T + b (x: B x in, W: out x in) and an upstream gradient dy: the
// sum of the magnitudes of the terms each element of y, dx = dy W, dW = dy^T x and
// db = sum_n dy is made of (at least 1e-30, so a zero sum still divides) - the scale
// kKernelTol is relative to.
struct LinearMagnitudes {
    std::vector<double> y, dx, dW, db;
};
LinearMagnitudes linear_magnitudes(const std::vector<float>& x, const std::vector<float>& W, const std::vector<float>& b,
                                   const std::vector<float>& dy, int B, int in, int out);

// n draws of N(0, scale^2) from rng, as floats.
std::vector<float> randn(std::size_t n, wi::Rng& rng, double scale = 1.0);
// max over elements of |a - b| / scale[i]
double worst(const std::vector<float>& a, const std::vector<float>& b, const std::vector<double>& scale);
// max |v[i]|
double max_abs(const float* v, std::size_t n);

}  // namespace wi_test
