// bench_gpu.h - the GPU rows of `make bench` (bench_gpu.cpp).
#pragma once
#include <string>

#include "data/mnist.h"

namespace wi {

// d's images repeated until there are n (bench.cpp): the 60,000-image epochs of `make bench`.
Dataset tile(const Dataset& d, int n);

// The GPU table for `images` training images (base tiled), median of `reps` epochs; only the
// configurations whose name contains `only` (all when empty); with `extras`, --compare of 10
// inits too. Prints "GPU: none, skipped (why)" when there is no usable GPU.
void gpu_bench(const MnistData& base, int images, int reps, const std::string& only, bool extras);

}  // namespace wi
