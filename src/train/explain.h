// explain.h - `wi --explain-init SPEC`: what an initializer implies for each layer of a model.
//
// For zero-mean weights drawn independently, a pre-activation z = sum_i w_i a_i + b has
//   E[z^2] = fan_in * E[w^2] * E[a^2] + E[b^2]
// whatever the inputs' mean; E[a^2] of the next layer is E[f(z)^2] for z ~ N(0, E[z^2]),
// integrated numerically. The first layer's E[a^2] is the data's: E[x^2] over the probe batch.
// Next to this prediction stands the measured std of z on the probe batch.
#pragma once
#include <string>

#include "compare.h"

namespace wi {

// E[f(z)^2] for z ~ N(0, var)
double activation_mean_square(Activation act, double var);

std::string explain_init(const RunSetup& setup, const Probe& probe);

}  // namespace wi
