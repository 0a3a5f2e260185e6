// lsuv.h - layer-sequential unit-variance rescaling (Mishkin & Matas 2016, "All you need is a
// good init"): starting from an orthonormal init, visit the layers in order and scale each
// layer's weights by 1/sqrt(Var(z)) of its output z on a training batch, until
// |Var(z) - 1| < tol or the iteration budget is spent.
#pragma once
#include <vector>

#include "../nn/mlp.h"
#include "layer_stats.h"

namespace wi {

struct LsuvLayer {
    int iterations = 0;     // rescalings done
    double variance = 0.0;  // Var(z) on the batch when it stopped
};

std::vector<LsuvLayer> lsuv_rescale(Mlp& m, const Probe& probe, double tol, int max_iters);

}  // namespace wi
