#include "shuffle.h"

#include <utility>

namespace wi {

namespace {
constexpr std::uint64_t kShuffleStream = 0x53485546464c45ULL;  // "SHUFFLE": keeps shuffling apart from init
}  // namespace

Rng shuffle_rng(std::uint64_t seed) { return Rng(seed ^ kShuffleStream); }

void shuffle_order(std::vector<int>& order, Rng& rng) {
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
}

}  // namespace wi
