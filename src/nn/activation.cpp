#include "activation.h"

#include <cmath>

#include "../core/error.h"

namespace wi {

Activation parse_activation(const std::string& name) {
    if (name == "none" || name == "identity" || name == "linear") return Activation::None;
    if (name == "sigmoid") return Activation::Sigmoid;
    if (name == "tanh") return Activation::Tanh;
    if (name == "relu") return Activation::Relu;
    throw Error("--act: unknown activation '" + name + "' (valid: none, sigmoid, tanh, relu)");
}

const char* activation_name(Activation a) {
    switch (a) {
        case Activation::None: return "none";
        case Activation::Sigmoid: return "sigmoid";
        case Activation::Tanh: return "tanh";
        case Activation::Relu: return "relu";
    }
    return "?";
}

void activation_forward(float* a, const float* z, int n, Activation act) {
    switch (act) {
        case Activation::None:
            for (int i = 0; i < n; ++i) a[i] = z[i];
            break;
        case Activation::Sigmoid:  // sigma(z) = 1 / (1 + e^-z)
            for (int i = 0; i < n; ++i) a[i] = 1.0f / (1.0f + std::exp(-z[i]));
            break;
        case Activation::Tanh:
            for (int i = 0; i < n; ++i) a[i] = std::tanh(z[i]);
            break;
        case Activation::Relu:  // max(0, z)
            for (int i = 0; i < n; ++i) a[i] = z[i] > 0.0f ? z[i] : 0.0f;
            break;
    }
}

void activation_backward(float* dz, const float* da, const float* z, const float* a, int n, Activation act) {
    switch (act) {
        case Activation::None:
            for (int i = 0; i < n; ++i) dz[i] = da[i];
            break;
        case Activation::Sigmoid:  // dsigma/dz = sigma (1 - sigma)
            for (int i = 0; i < n; ++i) dz[i] = da[i] * a[i] * (1.0f - a[i]);
            break;
        case Activation::Tanh:  // dtanh/dz = 1 - tanh^2
            for (int i = 0; i < n; ++i) dz[i] = da[i] * (1.0f - a[i] * a[i]);
            break;
        case Activation::Relu:  // drelu/dz = 1 if z > 0 else 0 (0 at z = 0, as PyTorch)
            for (int i = 0; i < n; ++i) {
                const float g = da[i];  // read either way, so the compiler may make the choice a blend
                dz[i] = z[i] > 0.0f ? g : 0.0f;
            }
            break;
    }
}

}  // namespace wi
