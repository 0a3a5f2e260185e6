// stats.h - the notebook's gradient cell: one forward/backward of a random input, then look.
//
// Under zeros or constant initialization every hidden unit of a layer computes the same thing,
// so every row of that layer's weight gradient is the same: "distinct rows 1 of 32" is the
// symmetry problem, measured.
#pragma once
#include <cstdint>
#include <cstdio>
#include <vector>

#include "../cli/cli.h"
#include "../nn/mlp.h"

namespace wi {

struct TensorSummary {
    int rows = 0, cols = 0;
    double mean = 0, std = 0, min = 0, max = 0;  // std is the population std
    int distinct_rows = 0, distinct_cols = 0;    // bitwise-distinct rows / columns
};

TensorSummary summarize(const Tensor& t);

// Runs forward + backward of x ~ N(0,1) of shape (1, 784), target class 1 (the notebook's cell),
// leaving the gradients in every layer's dW, db. Parameters are not changed.
void gradient_probe(Mlp& m, std::uint64_t seed);

// Prints each layer's weight and bias gradient (summary, or the matrices for GradsMode::Full).
void print_gradients(const Mlp& m, GradsMode mode, std::FILE* out);

}  // namespace wi
