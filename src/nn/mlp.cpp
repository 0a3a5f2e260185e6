#include "mlp.h"

#include <cmath>
#include <stdexcept>

#include "cross_entropy.h"
#include "linear.h"
#include "sgd.h"

namespace wi {

Mlp make_mlp(const std::vector<int>& sizes, Activation act) {
    if (sizes.size() < 2) throw std::invalid_argument("make_mlp: need at least an input and an output size");
    Mlp m;
    m.sizes = sizes;
    m.act = act;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
        Layer L;
        L.in = sizes[l];
        L.out = sizes[l + 1];
        L.W = Tensor(L.out, L.in);
        L.b = Tensor(1, L.out);
        L.dW = Tensor(L.out, L.in);
        L.db = Tensor(1, L.out);
        m.layers.push_back(std::move(L));
    }
    return m;
}

Workspace make_workspace(const Mlp& m, int max_batch) {
    Workspace ws;
    ws.max_batch = max_batch;
    for (const Layer& L : m.layers) {
        ws.z.emplace_back(max_batch, L.out);
        ws.a.emplace_back(max_batch, L.out);
        ws.dz.emplace_back(max_batch, L.out);
    }
    return ws;
}

long parameter_count(const Mlp& m) {
    long n = 0;
    for (const Layer& L : m.layers) n += static_cast<long>(L.out) * L.in + L.out;
    return n;
}

const float* mlp_forward(const Mlp& m, Workspace& ws, const float* x, int B) {
    if (B > ws.max_batch) throw std::invalid_argument("mlp_forward: batch larger than the workspace");
    const int last = static_cast<int>(m.layers.size()) - 1;
    const float* input = x;  // (B, sizes[l])
    for (int l = 0; l <= last; ++l) {
        const Layer& L = m.layers[l];
        linear_forward(ws.z[l].data(), input, L.W.data(), L.b.data(), B, L.in, L.out);  // z = input W^T + b
        if (l == last) break;                                                           // logits stay raw
        activation_forward(ws.a[l].data(), ws.z[l].data(), B * L.out, m.act);           // a = f(z)
        input = ws.a[l].data();
    }
    return ws.z[last].data();
}

long first_non_finite(const float* v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i])) return static_cast<long>(i);
    return -1;
}

std::string first_non_finite(const Mlp& m) {
    for (std::size_t l = 0; l < m.layers.size(); ++l)
        for (const char* what : {"weight", "bias"}) {
            const Tensor& t = what[0] == 'w' ? m.layers[l].W : m.layers[l].b;
            const long i = first_non_finite(t.data(), t.size());
            if (i >= 0)
                return "fc" + std::to_string(l + 1) + "." + what + "[" + std::to_string(i) +
                       "] = " + (std::isnan(t.data()[i]) ? "nan" : t.data()[i] > 0 ? "inf" : "-inf");
        }
    return "";
}

void mlp_backward(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B) {
    const int last = static_cast<int>(m.layers.size()) - 1;
    // dL/dlogits = (softmax - onehot(y)) / B
    cross_entropy_backward(ws.dz[last].data(), ws.z[last].data(), y, B, m.layers[last].out);
    for (int l = last; l >= 0; --l) {
        Layer& L = m.layers[l];
        const float* input = l == 0 ? x : ws.a[l - 1].data();  // what this layer saw in forward
        float* dinput = l == 0 ? nullptr : ws.dz[l - 1].data();  // dL/d(input) lands in dz[l-1] ...
        linear_backward(L.dW.data(), L.db.data(), dinput, ws.dz[l].data(), input, L.W.data(), B, L.in, L.out);
        if (l > 0)  // ... and becomes dL/dz[l-1] = dL/da[l-1] * f'(z[l-1]), in place
            activation_backward(dinput, dinput, ws.z[l - 1].data(), ws.a[l - 1].data(), B * m.layers[l - 1].out,
                                m.act);
    }
}

void mlp_sgd_step(Mlp& m, float lr) {
    for (Layer& L : m.layers) {
        sgd_step(L.W.data(), L.dW.data(), L.W.size(), lr);
        sgd_step(L.b.data(), L.db.data(), L.b.size(), lr);
    }
}

float mlp_train_step(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct) {
    const float* logits = mlp_forward(m, ws, x, B);
    const float loss = cross_entropy_forward(logits, y, B, m.sizes.back(), correct);
    mlp_backward(m, ws, x, y, B);
    mlp_sgd_step(m, lr);
    return loss;
}

}  // namespace wi
