// test_guards.h - helpers of the tests in test_guards*.cpp: every CPU path this machine runs
// (each one it cannot run named on stdout), and small in-memory data sets.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "backend/gpu_run.h"
#include "nn/mlp.h"
#include "core/rng.h"

namespace wi_guards {

struct Path {
    std::string name;
    wi::Backend backend;
};

// The reference, every SIMD twin this CPU has and, with with_gpu, the GPU. A path that cannot
// run here is named on stdout with the reason, once per call, under the case's name.
inline std::vector<Path> every_path(const char* test, bool with_gpu) {
    std::vector<Path> paths;
    for (const char* kernel : {"ref", "avx2", "avx512"}) {
        try {
            paths.push_back({kernel, wi::Backend::choose(kernel)});
        } catch (const std::exception& e) {
            std::printf("%s: skipped on %s: %s\n", test, kernel, e.what());
        }
    }
    if (!with_gpu) return paths;
    if (wi::gpu_present())
        paths.push_back({"cuda", wi::Backend::choose("ref", "cuda")});
    else
        std::printf("%s: skipped on cuda: no GPU (%s)\n", test, wi::gpu_absence().c_str());
    return paths;
}

// n images of random pixels with the given labels.
inline wi::Dataset random_images(const std::vector<std::uint8_t>& labels, std::uint64_t seed) {
    wi::Rng rng(seed);
    wi::Dataset d;
    d.count = static_cast<int>(labels.size());
    d.labels = labels;
    d.pixels.resize(static_cast<std::size_t>(d.count) * wi::kImagePixels);
    for (auto& p : d.pixels) p = static_cast<std::uint8_t>(rng.below(256));
    return d;
}

// Weights and biases N(0, scale^2) from seed.
inline void randomize(wi::Mlp& m, std::uint64_t seed, double scale) {
    wi::Rng rng(seed);
    for (wi::Layer& L : m.layers) {
        for (std::size_t i = 0; i < L.W.size(); ++i) L.W.data()[i] = static_cast<float>(scale * rng.normal());
        for (std::size_t i = 0; i < L.b.size(); ++i) L.b.data()[i] = static_cast<float>(scale * rng.normal());
    }
}

inline wi::Mlp copy_of(const wi::Mlp& m) {
    wi::Mlp c = wi::make_mlp(m.sizes, m.act);
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        c.layers[l].W.copy_from(m.layers[l].W);
        c.layers[l].b.copy_from(m.layers[l].b);
    }
    return c;
}

}  // namespace wi_guards
