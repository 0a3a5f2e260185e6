// layer_stats.h - what each layer is doing, measured on a fixed probe batch of real images.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../data/mnist.h"
#include "../nn/mlp.h"

namespace wi {

constexpr int kProbeImages = 256;
constexpr double kSaturatedZ = 4.0;  // |z| > 4: sigmoid'(z) < 0.018, tanh'(z) < 0.0014

// A fixed batch of training images: the first n of the training set, normalized.
struct Probe {
    int n = 0;
    Tensor x;                     // (n, 784)
    std::vector<std::uint8_t> y;  // (n)
    double input_mean_square = 0;  // E[x^2] over the batch: the "data's variance" for explanations
};
Probe make_probe(const Dataset& d, int n = kProbeImages);

struct LayerStats {
    int layer = 0;                    // 1-based: fc1, fc2, ...
    int units = 0;
    double z_mean = 0, z_std = 0;     // pre-activation z = a_prev W^T + b
    double a_mean = 0, a_std = 0;     // activation f(z); the logits themselves for the last layer
    // measure_layers leaves NaN where a value is not measured (another activation, the output layer)
    double saturated = 0;             // sigmoid/tanh: fraction of (image, unit) pairs with |z| > 4
    double dead = 0;                  // relu: fraction of units that output 0 for every probe image
    double w_std = 0;
    double grad_norm = 0;             // || [dW db] ||_F of the mean loss on the probe batch
    double grad_ratio = 0;            // grad_norm / the last layer's (NaN if that norm is 0 or not finite)
    double dz_std = 0;                // std of dL/dz over the probe: the back-propagated gradient
    int distinct_units = 0;           // bitwise-distinct rows of [W | b]
    int distinct_grads = 0;           // bitwise-distinct rows of [dW | db]
};

// One forward and backward of the probe batch; fills dW, db of every layer as a side effect.
std::vector<LayerStats> measure_layers(Mlp& m, const Probe& probe);

// An aligned table, headed by `when` ("at init", "after epoch 2").
std::string stats_table(const std::vector<LayerStats>& stats, const std::string& when, Activation act);

// CSV: the header line, and one row per layer for a given `when`.
std::string stats_csv_header();
std::string stats_csv_rows(const std::vector<LayerStats>& stats, const std::string& init, const std::string& when);

}  // namespace wi
