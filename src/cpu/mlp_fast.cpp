#include "mlp_fast.h"

#include <stdexcept>
#include <utility>

#include "../nn/activation.h"
#include "../nn/cross_entropy.h"

namespace wi {

namespace {
// The forward pass; with first_done, ws.z[0] already holds the first layer's output for x.
const float* forward(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k, bool first_done) {
    const int last = static_cast<int>(m.layers.size()) - 1;
    const float* input = x;
    for (int l = 0; l <= last; ++l) {
        const Layer& L = m.layers[l];
        if (l > 0 || !first_done) k.linear_forward(ws.z[l].data(), input, L.W.data(), L.b.data(), B, L.in, L.out);
        if (l == last) break;
        activation_forward(ws.a[l].data(), ws.z[l].data(), B * L.out, m.act);
        input = ws.a[l].data();
    }
    return ws.z[last].data();
}
}  // namespace

const float* mlp_forward_fast(const Mlp& m, Workspace& ws, const float* x, int B, const CpuKernels& k) {
    if (B > ws.max_batch) throw std::invalid_argument("mlp_forward_fast: batch larger than the workspace");
    return forward(m, ws, x, B, k, false);
}

float mlp_train_step_fast(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                          const CpuKernels& k, const float* next_x, int next_rows) {
    if (B > ws.max_batch || next_rows > ws.max_batch)
        throw std::invalid_argument("mlp_train_step_fast: batch larger than the workspace");
    const int last = static_cast<int>(m.layers.size()) - 1;
    // When the previous step already computed the first layer's output for these inputs (with
    // the weights as they are now), take it instead of computing it again.
    const bool ahead = x != nullptr && x == ws.ahead_x && B == ws.ahead_rows;
    if (ahead) std::swap(ws.z[0], ws.ahead);
    const float* logits = forward(m, ws, x, B, k, ahead);
    ws.ahead_x = nullptr;
    const float loss = cross_entropy_forward(logits, y, B, m.sizes.back(), correct);
    cross_entropy_backward(ws.dz[last].data(), logits, y, B, m.layers[last].out);
    for (int l = last; l >= 0; --l) {
        Layer& L = m.layers[l];
        const float* input = l == 0 ? x : ws.a[l - 1].data();
        if (l > 0) {  // dL/da[l-1] = dz[l] W, with W as it was in forward ...
            float* dinput = ws.dz[l - 1].data();
            k.linear_backward_input(dinput, ws.dz[l].data(), L.W.data(), B, L.in, L.out);
            activation_backward(dinput, dinput, ws.z[l - 1].data(), ws.a[l - 1].data(), B * m.layers[l - 1].out, m.act);
            k.linear_sgd_fused(L.W.data(), L.b.data(), ws.dz[l].data(), input, B, L.in, L.out, lr);
        } else if (next_x != nullptr && next_rows > 0) {
            // ... and only then W -= lr dz[l]^T input, b -= lr sum dz[l]; for the first layer
            // together with the next batch's first-layer product, in one pass over W
            k.linear_sgd_fused_forward(L.W.data(), L.b.data(), ws.dz[0].data(), x, B, L.in, L.out, lr,
                                       ws.ahead.data(), next_x, next_rows);
            ws.ahead_x = next_x;
            ws.ahead_rows = next_rows;
        } else {
            k.linear_sgd_fused(L.W.data(), L.b.data(), ws.dz[0].data(), x, B, L.in, L.out, lr);
        }
    }
    return loss;
}

}  // namespace wi
