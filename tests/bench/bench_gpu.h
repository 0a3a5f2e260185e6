// bench_gpu.h - the GPU rows of `make bench` (bench_gpu.cpp).
#pragma once
#include <string>
#include <vector>

#include "backend/backend.h"
#include "data/mnist.h"
#include "train/compare.h"

namespace wi {

// d's images repeated until there are n (bench.cpp): the 60,000-image epochs of `make bench`.
Dataset tile(const Dataset& d, int n);

// OpenMP threads for the parallel regions that follow (bench.cpp).
void set_threads(int n);

// The runs of the --compare benchmark (bench.cpp): 10 inits of the seed configuration, one
// epoch each at batch 4, training only, on `backend`.
std::vector<RunSetup> compare_setups(const Backend& backend);

// The GPU table for `images` training images (base tiled), median of `reps` epochs; only the
// configurations whose name contains `only` (all when empty); with `extras`, --compare of 10
// inits too. Prints "GPU: none, skipped (why)" when there is no usable GPU.
void gpu_bench(const MnistData& base, int images, int reps, const std::string& only, bool extras);

}  // namespace wi
