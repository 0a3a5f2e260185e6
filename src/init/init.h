// init.h - every weight initializer in one table: name, parameters, formula, when to use it.
//
// Fans follow PyTorch for a Linear weight W of shape (out, in): fan_in = in, fan_out = out.
// An initializer is chosen by a spec, "name" or "name:key=value,key=value", e.g.
//   kaiming_normal:mode=fan_out,nonlinearity=relu   orthogonal:gain=1.41   trunc_normal:std=0.02,a=-0.04,b=0.04
// Unless --bias says otherwise, biases keep nn.Linear's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
// except where the initializer sets them itself (zeros, constant, unusual, lsuv, zero_last).
// Layers are filled in order, each drawing its weights first, then its bias, from one generator.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "../nn/mlp.h"
#include "../core/rng.h"

namespace wi {

struct InitSpec;

// The law a layer's weights are drawn from, for figures and explanations.
struct WeightLaw {
    // Mixture: the notebook's unusual (two normals); Other: no simple density (orthogonal, sparse, eye)
    enum class Kind { Constant, Normal, Uniform, TruncatedNormal, Mixture, Other } kind = Kind::Constant;
    double mean = 0.0;          // Constant: the value; (truncated) normal: the mean before truncation
    double std = 0.0;           // the standard deviation of the weights themselves
    double scale = 0.0;         // TruncatedNormal: the std before truncation
    double lo = 0.0, hi = 0.0;  // Uniform, TruncatedNormal: the bounds
    double truncated_mean = 0.0;  // TruncatedNormal: the mean of the weights themselves
};

struct ParamSpec {
    const char* name;
    const char* default_value;
    const char* choices;  // "" for a number, else the valid words: "fan_in|fan_out"
};

// what an initializer does to biases; Normal: N(0, sigma_b2), the spec's sigma_b2 (meanfield)
enum class BiasRule { Linear, SameAsWeights, Zeros, Normal };

struct Initializer {
    const char* name;
    const char* aliases;  // comma-separated, "" if none
    const char* family;   // "PyTorch", "Keras/JAX", "notebook", "structural"
    std::vector<ParamSpec> params;
    const char* formula;  // the weights' law
    const char* when;     // when to use it
    BiasRule bias;
    bool needs_data;  // lsuv: rescaled on a training batch after the fill
    void (*fill_weights)(Tensor& W, Rng& rng, const InitSpec& spec);
    WeightLaw (*law)(const InitSpec& spec, int fan_in, int fan_out);

    // One layer's weights and bias with default parameters and the initializer's own bias rule.
    void fill(Layer& layer, Rng& rng, const struct InitOptions& opt) const;
};

// A chosen initializer with every parameter's value (defaults filled in).
struct InitSpec {
    const Initializer* init = nullptr;
    std::vector<std::pair<std::string, std::string>> values;
    double num(const std::string& key) const;
    const std::string& word(const std::string& key) const;
    std::string text() const;  // "kaiming_normal(a=0, mode=fan_in, nonlinearity=leaky_relu)"
};

// Parses "name[:k=v,...]" (aliases accepted). Throws wi::Error naming flag on an unknown name
// (listing the valid ones), an unknown key, a malformed value, or an out-of-range value
// (negative std, a > b, sparsity outside [0,1], an unknown mode or nonlinearity).
InitSpec parse_init(const std::string& text, const std::string& flag = "--init");

// --bias: "init" (the initializer's own rule, the default), "default" (nn.Linear's), "zeros",
// "constant:V".
struct BiasPolicy {
    enum class Kind { FromInit, Linear, Zeros, Constant } kind = Kind::FromInit;
    double value = 0.0;
};
BiasPolicy parse_bias(const std::string& text);
std::string bias_text(const InitSpec& spec, const BiasPolicy& bias);

const std::vector<Initializer>& initializers();
const Initializer& find_initializer(const std::string& name);  // by name or alias; throws wi::Error
std::string initializer_names();                               // comma-separated canonical names

// torch.nn.init.calculate_gain: linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2),
// leaky_relu sqrt(2/(1+a^2)) (a = param), selu 3/4. Throws wi::Error for other names.
double calculate_gain(const std::string& nonlinearity, double param);

// The gain a spec applies, where the formula has one (xavier, kaiming, orthogonal, identity);
// 1 otherwise.
double spec_gain(const InitSpec& spec);

WeightLaw weight_law(const InitSpec& spec, int fan_in, int fan_out);

// Fills every layer of m: weights by spec, biases by policy. zero_last zeroes the output layer.
// (lsuv is orthogonal here; its data-dependent rescaling is train/lsuv's.) On a signal (see
// interrupt.h) it stops early and leaves m unfinished: the caller must not use it then.
void initialize(Mlp& m, const InitSpec& spec, const BiasPolicy& bias, Rng& rng);
void fill_layer(Layer& layer, const InitSpec& spec, const BiasPolicy& bias, Rng& rng);  // one layer of that

// `wi --list-inits`: every initializer with parameters, formula and when to use it.
std::string list_inits_text();

// Shorthands: an initializer with its default parameters (constant's value given), its own bias rule.
struct InitOptions {
    double value = 0.5;  // constant's val
};
InitSpec default_spec(const Initializer& init, const InitOptions& opt = {});
void initialize(Mlp& m, const Initializer& init, Rng& rng, const InitOptions& opt = {});
WeightLaw weight_law(const Initializer& init, int fan_in, int fan_out, const InitOptions& opt = {});

}  // namespace wi
