// mlp_fast.h - the MLP's forward and training step on the SIMD kernels.
//
// The same sequence as src/nn/mlp.cpp, with one change of order: each layer's dx is computed
// before its weights move, and the weight gradient goes straight into the SGD update
// (W -= lr dy^T x) instead of being stored in dW first. dW and db are left untouched.
// The weights in m are always those after the last step; only a LookAhead carries the next
// step's first-layer product.
#pragma once
#include <cstdint>

#include "../nn/mlp.h"
#include "kernels.h"

namespace wi {

// The hand-off between two SIMD steps. Before a step, its caller names the next step's inputs
// (next_x, next_rows rows, normalized already and left untouched until that step); the step's
// update of the first layer then also computes their first-layer output into z0, and the next
// step, called with x == next_x, takes it instead of computing it: one pass over the first
// layer's weights per step instead of two. Whoever changes the weights between the two steps
// must call forget(). The reference path has no such thing.
struct LookAhead {
    Tensor z0;                        // (max_batch, out_0): the first layer's output for `of`
    const float* of = nullptr;        // the inputs z0 was computed for; null: none (yet)
    int rows = 0;                     // and their rows
    const float* next_x = nullptr;    // set by the caller before a step: the next step's inputs
    int next_rows = 0;
    void forget() { of = nullptr; }   // the weights changed outside a step
};
LookAhead make_look_ahead(const Mlp& m, int max_batch);

const float* mlp_forward_fast(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k);

// One SGD step; with ahead, it uses the look-ahead computed for x (if any) and computes the
// one for ahead->next_x (if set).
float mlp_train_step_fast(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                          const CpuKernels& k, LookAhead* ahead = nullptr);

}  // namespace wi
