// mlp.h - the multi-layer perceptron: Linear layers with an activation between them.
//
// The notebook's model is sizes = {784, 32, 32, 10}, activation none:
//   x (B,784) -> fc1 -> (B,32) -> fc2 -> (B,32) -> fc3 -> logits (B,10)
// An activation, when chosen, sits after every layer but the last (logits stay raw scores
// for the cross-entropy). This file is the readable reference path: forward, backward and
// the SGD step as plain calls to the layer functions, no allocation once built.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/tensor.h"
#include "activation.h"

namespace wi {

struct Layer {
    int in = 0, out = 0;
    Tensor W, b;    // parameters: W (out,in), b (1,out)
    Tensor dW, db;  // gradients of the last backward pass, same shapes
};

struct Mlp {
    std::vector<int> sizes;  // {784, hidden..., 10}
    Activation act = Activation::None;
    std::vector<Layer> layers;  // layers[l] maps sizes[l] -> sizes[l+1]; "fc{l+1}" in PyTorch's naming
};

// Activations of one pass, sized for up to max_batch rows. Kept apart from the parameters so
// several threads can evaluate one model, each with its own workspace.
struct Workspace {
    int max_batch = 0;
    std::vector<Tensor> z;   // z[l] (B, out_l): layer l's output before the activation
    std::vector<Tensor> a;   // a[l] (B, out_l): after the activation (the last layer's a is unused)
    std::vector<Tensor> dz;  // dz[l] (B, out_l): dL/dz[l] during backward
};

Mlp make_mlp(const std::vector<int>& sizes, Activation act);
Workspace make_workspace(const Mlp& m, int max_batch);

// Number of weights and biases in all layers.
long parameter_count(const Mlp& m);

// The first weight or bias that is not finite, in PyTorch's naming and flat (row-major) index,
// e.g. "fc2.weight[37] = nan"; "" when every parameter is finite. One pass over the parameters.
std::string first_non_finite(const Mlp& m);
// The flat index of the first element of v[0..n) that is not finite, or -1.
long first_non_finite(const float* v, std::size_t n);

// logits (B, sizes.back()) = the network applied to x (B, sizes[0]). Returns ws.z.back().data().
const float* mlp_forward(const Mlp& m, Workspace& ws, const float* x, int B);

// After mlp_forward on the same x: fills every layer's dW, db with the gradient of the mean
// cross-entropy of the logits against targets y. Returns nothing; the loss comes from forward.
void mlp_backward(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B);

// W <- W - lr dW, b <- b - lr db for every layer.
void mlp_sgd_step(Mlp& m, float lr);

// One training step on a batch: forward, loss, backward, SGD. Returns the mean loss;
// *correct gets the number of rows classified right (before the update, as the notebook counts).
float mlp_train_step(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct);

}  // namespace wi
