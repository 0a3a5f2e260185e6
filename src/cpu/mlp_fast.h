// mlp_fast.h - the MLP's forward and training step on the SIMD kernels.
//
// The same sequence as src/nn/mlp.cpp, with one change of order: each layer's dx is computed
// before its weights move, and the weight gradient goes straight into the SGD update
// (W -= lr dy^T x) instead of being stored in dW first. dW and db are left untouched.
// The weights in m are always those after the last step; only ws carries the look-ahead.
#pragma once
#include <cstdint>

#include "../nn/mlp.h"
#include "kernels.h"

namespace wi {

const float* mlp_forward_fast(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k);

// With next_x (next_rows rows of the next batch's inputs), the first layer's update also
// computes the next batch's first-layer output (ws.ahead), which the next call with
// x == next_x then uses: one pass over the first layer's weights per step instead of two.
// Whoever changes the weights between the two calls must reset ws.ahead_x to null.
float mlp_train_step_fast(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                          const CpuKernels& k, const float* next_x = nullptr, int next_rows = 0);

}  // namespace wi
