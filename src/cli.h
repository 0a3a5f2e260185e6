// cli.h - command-line flags -> a plain Config, validated; --help text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

enum class GradsMode { Off, Summary, Full };

struct Config {
    std::string init = "default";
    double init_value = 0.5;  // --init-value (constant)
    int epochs = 3;
    int batch = 4;
    double lr = 0.001;
    std::uint64_t seed = 1;
    std::string act = "none";
    std::vector<int> arch = {784, 32, 32, 10};
    std::string data;  // --data DIR
    bool shuffle = true;
    bool fetch = true;  // may data_fetch/fetch_mnist.sh be tried when data/mnist is missing
    int threads = 0;    // 0: OpenMP's default
    bool quiet = false;
    GradsMode grads = GradsMode::Off;
    std::string save_weights, save_init, load_weights;
    bool help = false, version = false;
};

// Parses argv (without argv[0]). Throws wi::Error naming the flag on any problem:
// unknown flag, missing or malformed value, value out of range.
Config parse_args(const std::vector<std::string>& args);

std::string help_text();
std::string version_text();

}  // namespace wi
