// init.h - every weight initializer in one table: name, aliases, formula, and the code.
//
// Fans follow PyTorch for a Linear weight W of shape (out, in): fan_in = in, fan_out = out.
// Biases keep nn.Linear's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), unless the initializer
// says otherwise (zeros, constant and unusual set them too, as the notebook does).
// Each layer draws its weights first, then its bias, from one generator, layer by layer.
#pragma once
#include <string>
#include <vector>

#include "nn/mlp.h"
#include "rng.h"

namespace wi {

struct InitOptions {
    double value = 0.5;  // --init-value: the constant of "constant"
};

struct Initializer {
    const char* name;
    const char* aliases;  // comma-separated, "" if none
    const char* weight_formula;
    const char* bias_formula;
    void (*fill)(Layer& layer, Rng& rng, const InitOptions& opt);
};

// The table, in the order `wi --help` lists it.
const std::vector<Initializer>& initializers();

// Looks a name or alias up; throws wi::Error listing the valid names if there is none.
const Initializer& find_initializer(const std::string& name);

// Comma-separated list of the canonical names, for messages.
std::string initializer_names();

// The law a layer's weights are drawn from, for figures and explanations.
struct WeightLaw {
    enum class Kind { Constant, Normal, Uniform, Mixture } kind = Kind::Constant;
    double mean = 0.0;           // Constant: the value; Normal: the mean
    double std = 0.0;            // the standard deviation of the law (0 for Constant)
    double lo = 0.0, hi = 0.0;   // Uniform: the bounds
};
WeightLaw weight_law(const Initializer& init, int fan_in, int fan_out, const InitOptions& opt);

// Fills every layer of m with the named initializer.
void initialize(Mlp& m, const Initializer& init, Rng& rng, const InitOptions& opt);

}  // namespace wi
