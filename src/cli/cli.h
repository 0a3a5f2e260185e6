// cli.h - command-line flags -> a plain Config, validated; --help text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

// The most weights and biases one network may have (--arch, or an experiment's --width): 256 MiB
// of float32 per copy, refused before anything is allocated.
constexpr long long kMaxParameters = 1LL << 26;

enum class GradsMode { Off, Summary, Full };

struct Config {
    std::string init = "default";  // an initializer spec: NAME or NAME:key=value,...
    double init_value = 0.5;       // --init-value: constant's val unless the spec sets it
    bool init_value_set = false;
    std::string bias = "init";     // --bias init|default|zeros|constant:V
    std::vector<std::string> compare;  // --compare: specs to run side by side
    std::string explain_init;          // --explain-init SPEC
    bool list_inits = false;
    bool stats = false;                // --stats: per-layer statistics at init and after each epoch
    std::string out = "out";           // --out DIR: where figures and CSV files go
    bool plots = false;                // --plots: training_<init>.png and weights_<init>.png after the run
    std::string plot;                  // `wi plot NAME`: sigmoid | sigmoid-grad ("" for a training run)
    std::string experiment;            // `wi experiment NAME`: glorot2010 | he2015 | saxe2014 | lsuv ("" otherwise)
    bool notebook = false;             // `wi notebook`: the seed notebook re-run, cell by cell (src/app/)
    bool quick = false;                // --quick: the experiment's small sizes, or the notebook's 1 epoch (seconds, for tests)
    int width = 0;                     // --width N: the experiment's hidden width (0: its own)
    std::vector<std::string> plot_inits = {"kaiming_normal", "randn", "xavier_normal"};  // --inits (wi plot sigmoid)
    int fan_in = 784, fan_out = 32;    // --fan-in, --fan-out: the layer shape `wi plot sigmoid` samples for
    int epochs = 3;
    int batch = 4;
    double lr = 0.001;
    std::uint64_t seed = 1;
    std::string act = "none";
    std::vector<int> arch = {784, 32, 32, 10};
    std::string data;  // --data DIR
    bool shuffle = true;
    bool fetch = true;  // may data_fetch/fetch_mnist.sh be tried when data/mnist is missing
    bool fetch_now = false;  // --fetch: try it even when a recent attempt failed
    int threads = 0;    // 0: OpenMP's default
    std::string kernel = "simd";  // --kernel simd|ref|avx2|avx512
    std::string device = "cpu";   // --device cpu|auto|cuda: where the training steps run
    bool quiet = false;
    GradsMode grads = GradsMode::Off;
    std::string save_weights, save_init, load_weights;
    bool help = false, version = false;
};

// Splits a comma-separated list of initializer specs, where a spec's own key=value pairs are
// also comma-separated: "xavier,kaiming_normal:mode=fan_out,nonlinearity=relu,zeros" has three.
std::vector<std::string> split_specs(const std::string& list);

// Parses argv (without argv[0]). Throws wi::Error naming the flag on any problem:
// unknown flag, missing or malformed value, value out of range.
Config parse_args(const std::vector<std::string>& args);

std::string help_text();
std::string version_text();

}  // namespace wi
