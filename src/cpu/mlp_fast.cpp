#include "mlp_fast.h"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "../nn/activation.h"
#include "../nn/cross_entropy.h"

namespace wi {

namespace {
// Inside a training step, layer l's activations: a[l], or without an activation z[l] itself
// (the step makes no copy; mlp_forward_fast fills a[l] for its callers, as the reference does).
float* step_activations(const Mlp& m, Workspace& ws, int l) {
    return m.act == Activation::None ? ws.z[l].data() : ws.a[l].data();
}

// Whether ws.z[0] must be computed or already holds the first layer's output for x.
enum class FirstLayer { Compute, Given };
// A plain forward pass fills every a[l]; a step's skips the copy without an activation.
enum class Pass { Plain, Step };

const float* forward(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k, FirstLayer first,
                     Pass pass) {
    const int last = static_cast<int>(m.layers.size()) - 1;
    const float* input = x;
    for (int l = 0; l <= last; ++l) {
        const Layer& L = m.layers[l];
        if (l > 0 || first == FirstLayer::Compute)
            k.linear_forward(ws.z[l].data(), input, L.W.data(), L.b.data(), B, L.in, L.out);
        if (l == last) break;
        if (pass == Pass::Step) {
            if (m.act != Activation::None) activation_forward(ws.a[l].data(), ws.z[l].data(), B * L.out, m.act);
            input = step_activations(m, ws, l);
        } else {
            activation_forward(ws.a[l].data(), ws.z[l].data(), B * L.out, m.act);
            input = ws.a[l].data();
        }
    }
    return ws.z[last].data();
}

// cross_entropy_forward and cross_entropy_backward (src/nn/cross_entropy.cpp) in one pass, with
// each logit's exponential computed once: returns the mean of logsumexp(z) - z[y] and writes
// dz = (softmax(z) - onehot(y)) / B.
float cross_entropy_fused(float* dlogits, const float* logits, const std::uint8_t* y, int B, int C, int* correct) {
    const float inv_b = 1.0f / static_cast<float>(B);
    double total = 0.0;
    int hits = 0;
    for (int n = 0; n < B; ++n) {
        const float* z = logits + n * C;
        float* dz = dlogits + n * C;
        const int best = argmax(z, C);
        const float m = z[best];
        float sum = 0.0f;
        for (int c = 0; c < C; ++c) {
            dz[c] = std::exp(z[c] - m);
            sum += dz[c];
        }
        total += static_cast<double>(std::log(sum) - (z[y[n]] - m));  // as cross_entropy_forward
        hits += best == y[n];
        for (int c = 0; c < C; ++c) dz[c] = (dz[c] / sum - (c == y[n] ? 1.0f : 0.0f)) * inv_b;
    }
    if (correct != nullptr) *correct = hits;
    return static_cast<float>(total / B);
}
}  // namespace

LookAhead make_look_ahead(const Mlp& m, int max_batch) {
    LookAhead a;
    if (!m.layers.empty()) a.z0 = Tensor(max_batch, m.layers[0].out);
    return a;
}

const float* mlp_forward_fast(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k) {
    if (B > ws.max_batch) throw std::invalid_argument("mlp_forward_fast: batch larger than the workspace");
    return forward(m, ws, x, B, k, FirstLayer::Compute, Pass::Plain);
}

float mlp_train_step_fast(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                          const CpuKernels& k, LookAhead* ahead) {
    const float* next_x = ahead != nullptr ? ahead->next_x : nullptr;
    const int next_rows = ahead != nullptr ? ahead->next_rows : 0;
    if (B > ws.max_batch || next_rows > ws.max_batch)
        throw std::invalid_argument("mlp_train_step_fast: batch larger than the workspace");
    const int last = static_cast<int>(m.layers.size()) - 1;
    // When the previous step already computed the first layer's output for these inputs (with
    // the weights as they are now), take it instead of computing it again.
    const bool given = ahead != nullptr && x != nullptr && x == ahead->of && B == ahead->rows;
    if (given) std::swap(ws.z[0], ahead->z0);
    const float* logits = forward(m, ws, x, B, k, given ? FirstLayer::Given : FirstLayer::Compute, Pass::Step);
    if (ahead != nullptr) ahead->forget();
    const float loss = cross_entropy_fused(ws.dz[last].data(), logits, y, B, m.sizes.back(), correct);
    for (int l = last; l >= 0; --l) {
        Layer& L = m.layers[l];
        const float* input = l == 0 ? x : step_activations(m, ws, l - 1);
        if (l > 0) {  // dL/da[l-1] = dz[l] W, with W as it was in forward ...
            float* dinput = ws.dz[l - 1].data();
            k.linear_backward_input(dinput, ws.dz[l].data(), L.W.data(), B, L.in, L.out);
            if (m.act != Activation::None)
                activation_backward(dinput, dinput, ws.z[l - 1].data(), ws.a[l - 1].data(), B * m.layers[l - 1].out, m.act);
            k.linear_sgd_fused(L.W.data(), L.b.data(), ws.dz[l].data(), input, B, L.in, L.out, lr);
        } else if (next_x != nullptr && next_rows > 0) {
            // ... and only then W -= lr dz[l]^T input, b -= lr sum dz[l]; for the first layer
            // together with the next batch's first-layer product, in one pass over W
            k.linear_sgd_fused_forward(L.W.data(), L.b.data(), ws.dz[0].data(), x, B, L.in, L.out, lr,
                                       ahead->z0.data(), next_x, next_rows);
            ahead->of = next_x;
            ahead->rows = next_rows;
        } else {
            k.linear_sgd_fused(L.W.data(), L.b.data(), ws.dz[0].data(), x, B, L.in, L.out, lr);
        }
    }
    return loss;
}

}  // namespace wi
