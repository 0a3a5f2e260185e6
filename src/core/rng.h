// rng.h - a seeded generator with its own uniform and normal samplers.
//
// The standard library's distributions are not specified bit-for-bit (normal_distribution
// differs between libstdc++, libc++ and MSVC), so a seed would mean different weights on
// different compilers. Here everything is written out: xoshiro256** for the bits,
// splitmix64 to expand the seed, 53-bit doubles for uniforms, Box-Muller for normals.
#pragma once
#include <cstdint>

namespace wi {

class Rng {
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t next_u64();
    double uniform();                          // [0, 1), 53 random bits
    double uniform(double lo, double hi);      // [lo, hi)
    double normal();                           // N(0, 1), Box-Muller
    double normal(double mean, double std) { return mean + std * normal(); }
    std::uint64_t below(std::uint64_t n);      // uniform integer in [0, n), unbiased; n > 0

private:
    std::uint64_t s_[4];
    double spare_ = 0.0;       // Box-Muller makes two normals; the second waits here
    bool has_spare_ = false;
};

}  // namespace wi
