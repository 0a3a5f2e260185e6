// mnist.h - find the data set, load it as uint8, and normalize batches the notebook's way.
//
// Where the data comes from, in order:
//   1. --data DIR: the four standard file names in DIR, each raw or .gz;
//   2. full MNIST in data/mnist/ (in the current directory, or next to the wi binary);
//   3. if fetching is allowed, data_fetch/fetch_mnist.sh downloads it there (seconds when offline);
//      a failure is said in one line on stderr and remembered in data/mnist/.fetch-failed (its
//      first line the UTC time, its second the reason, then the script's log), and for a day
//      after it runs go straight to the sample, silently; fetch_now (--fetch) tries at once;
//   4. the bundled 10,000-digit sample in data_fetch/mnist-sample/.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

struct Dataset {
    int count = 0;
    std::vector<std::uint8_t> pixels;  // (count, 784) raw bytes; normalized per batch, never stored as float
    std::vector<std::uint8_t> labels;  // (count), 0-9
};

struct MnistData {
    std::string name;  // what the first output line calls it, e.g. "bundled MNIST sample"
    std::string dir;
    Dataset train, test;
};

// Loads "<prefix>-images-idx3-ubyte[.gz]" and "<prefix>-labels-idx1-ubyte[.gz]" from dir
// (prefix "train" or "t10k"), checking the two counts agree.
Dataset load_split(const std::string& dir, const std::string& prefix);

// True if dir holds all four files (raw or .gz).
bool has_mnist_files(const std::string& dir);

MnistData load_mnist_dir(const std::string& dir, const std::string& name);

// Resolution as above. data_flag is --data ("" if not given).
MnistData find_and_load_mnist(const std::string& data_flag, bool allow_fetch, bool fetch_now = false);

// The failed-download marker's name in data/mnist, and how long it holds back a new attempt.
constexpr const char* kFetchFailedMarker = ".fetch-failed";
constexpr long kFetchRetrySeconds = 24 * 3600;

// Whether a marker's text says a download failed less than kFetchRetrySeconds before now (Unix
// seconds). Text that cannot be read as such, or a time in the future, says no: try again.
bool fetch_marker_holds(const std::string& text, long long now);

// x (B,784) = (p/255 - 0.5) / 0.5 for the images idx[0..B): torchvision's ToTensor then
// Normalize((0.5), (0.5)), computed in float exactly as they do.
void normalize_batch(float* x, const Dataset& d, const int* idx, int B);

}  // namespace wi
