// shuffle.h - the trainer's per-epoch sample order: Fisher-Yates on our own generator.
#pragma once
#include <cstdint>
#include <vector>

#include "../core/rng.h"

namespace wi {

// The generator the trainer shuffles with for a given --seed: a stream of its own, apart from
// the initializer's.
Rng shuffle_rng(std::uint64_t seed);

// Fisher-Yates: every permutation of order equally likely, the same for a seed everywhere.
void shuffle_order(std::vector<int>& order, Rng& rng);

}  // namespace wi
