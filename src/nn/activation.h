// activation.h - elementwise nonlinearities between the linear layers.
//
// The notebook's model has none (Linear -> Linear -> Linear): Activation::None is the default.
#pragma once
#include <string>

namespace wi {

enum class Activation { None, Sigmoid, Tanh, Relu };

// "none" | "sigmoid" | "tanh" | "relu"; throws wi::Error naming the valid ones otherwise.
Activation parse_activation(const std::string& name);
const char* activation_name(Activation a);

// a = f(z), n elements. In place (a == z) is allowed.
void activation_forward(float* a, const float* z, int n, Activation act);

// dz = da * f'(z), written with the forward output a = f(z) where that is the cheaper form:
//   sigmoid' = a (1 - a)     tanh' = 1 - a^2     relu' = [z > 0]     none' = 1
// In place (dz == da) is allowed.
void activation_backward(float* dz, const float* da, const float* z, const float* a, int n, Activation act);

}  // namespace wi
