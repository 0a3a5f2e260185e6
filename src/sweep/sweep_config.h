// sweep_config.h - from a grid and the sweep's other training flags to each run's settings,
// its identity and its seed.
//
// A run is what ./wi would do with the sweep's training flags followed by its axis values as
// flags (--lr 0.01, --init xavier:gain=2, --arch 784,64,64,10), read by the same parser, so a
// value the flag refuses is refused here, naming the axis.
//
// A run's identity is a canonical text of every setting that changes its numbers:
//   init=xavier_normal(gain=1); bias=init; arch=784-32-32-10; act=none; epochs=1; batch=4;
//   lr=0.001; seed=1; shuffle=on; kernel=simd; data=bundled MNIST sample 8000/2000
// (the initializer with all its parameters, the learning rate in its shortest float32 form,
// the data set by name and size). The run's hash is FNV-1a 64 of that text, and the seed it
// trains with (initialization and data order alike) is splitmix64(hash) cut to 63 bits, so
// `./wi FLAGS --seed RUN_SEED` retraces a run, and a run's numbers depend on nothing but its
// own settings: not on the other runs of the grid, the thread count or the machine's share.
// Its `seed` setting is part of the identity, so seed=1..3 are three different runs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../cli/cli.h"
#include "../train/compare.h"
#include "grid.h"

namespace wi {

struct SweepRun {
    std::size_t index = 0;
    std::vector<std::string> values;  // its value on each axis
    Config cfg;                       // its settings, as the flags give them
    std::string label;                // "init=xavier lr=0.01"
    std::string identity;             // the canonical text (after identify())
    std::uint64_t hash = 0;
    std::uint64_t seed = 0;           // the seed it trains with
};

// Every run of the grid in grid order, validated: throws wi::Error "--grid: axis 'KEY': value
// 'V': <the flag's own message>" for a value the flag refuses, "--grid: run K=V ...: ..." for a
// combination it refuses. base: the sweep's training flags.
std::vector<SweepRun> resolve_runs(const Grid& grid, const std::vector<std::string>& base, const std::string& flag);

// The settings as a RunSetup (the trainer's view): init spec, bias, model, options.
RunSetup run_setup(const Config& cfg);

// Fills identity, hash and seed for a run trained on the named data set.
void identify(SweepRun& run, const std::string& data_text);

// The identity's settings that no axis varies, for the CSV's header: "bias=init; act=none; ...".
std::string fixed_settings(const Grid& grid, const Config& base, const std::string& data_text);

// The hash of the whole sweep: FNV-1a of every run's hash in grid order (so of every setting
// of every run, and of the order of the axes and values).
std::uint64_t grid_hash(const std::vector<SweepRun>& runs);

}  // namespace wi
