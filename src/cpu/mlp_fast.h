// mlp_fast.h - the MLP's forward and training step on the SIMD kernels.
//
// The same sequence as src/nn/mlp.cpp, with one change of order: each layer's dx is computed
// before its weights move, and the weight gradient goes straight into the SGD update
// (W -= lr dy^T x) instead of being stored in dW first. dW and db are left untouched.
#pragma once
#include <cstdint>

#include "../nn/mlp.h"
#include "kernels.h"

namespace wi {

const float* mlp_forward_fast(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k);

float mlp_train_step_fast(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                          const CpuKernels& k);

}  // namespace wi
