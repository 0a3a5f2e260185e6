#include "init.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "../core/error.h"
#include "init_samplers.h"
#include "../core/strf.h"
#include "../core/interrupt.h"

namespace wi {

namespace {

constexpr double kTruncStdCorrection = 0.87962566103423978;  // std of N(0,1) cut at +-2 (Keras/JAX)

using Kind = WeightLaw::Kind;

double fan_of(const std::string& mode, double in, double out) {
    if (mode == "fan_in") return in;
    if (mode == "fan_out") return out;
    return (in + out) / 2;  // fan_avg
}

WeightLaw normal_law(double mean, double std) { return {Kind::Normal, mean, std, std, 0, 0}; }
WeightLaw uniform_law(double lo, double hi) {
    return {Kind::Uniform, (lo + hi) / 2, (hi - lo) / std::sqrt(12.0), 0, lo, hi};  // Var U(lo,hi) = (hi-lo)^2/12
}
WeightLaw constant_law(double v) { return {Kind::Constant, v, 0, 0, v, v}; }

// mean and std of N(mean, s) truncated to [a, b]. Phi has no resolution near 1, so an interval
// right of the mean is computed as its mirror image left of it (as fill_trunc_normal samples it).
WeightLaw trunc_law(double mean, double s, double a, double b) {
    const bool mirror = (a - mean) + (b - mean) > 0;
    const double al = (mirror ? mean - b : a - mean) / s, be = (mirror ? mean - a : b - mean) / s;
    const double Z = normal_cdf(be) - normal_cdf(al);
    const double pa = std::exp(-al * al / 2) / std::sqrt(2 * M_PI), pb = std::exp(-be * be / 2) / std::sqrt(2 * M_PI);
    const double shift = (pa - pb) / Z;
    const double var = s * s * (1 + ((std::isfinite(al) ? al * pa : 0) - (std::isfinite(be) ? be * pb : 0)) / Z - shift * shift);
    WeightLaw law{Kind::TruncatedNormal, mean, std::sqrt(var), s, a, b};
    law.truncated_mean = mean + s * (mirror ? -shift : shift);
    return law;
}

// ---- the laws, shared by fill and law so the two can never disagree ----

WeightLaw law_default(const InitSpec&, int in, int) { return uniform_law(-1 / std::sqrt(1.0 * in), 1 / std::sqrt(1.0 * in)); }
WeightLaw law_zeros(const InitSpec&, int, int) { return constant_law(0); }
WeightLaw law_ones(const InitSpec&, int, int) { return constant_law(1); }
WeightLaw law_constant(const InitSpec& s, int, int) { return constant_law(s.num("val")); }
WeightLaw law_uniform(const InitSpec& s, int, int) { return uniform_law(s.num("a"), s.num("b")); }
WeightLaw law_normal(const InitSpec& s, int, int) { return normal_law(s.num("mean"), s.num("std")); }
WeightLaw law_randn(const InitSpec&, int, int) { return normal_law(0, 1); }
WeightLaw law_trunc_normal(const InitSpec& s, int, int) {
    return trunc_law(s.num("mean"), s.num("std"), s.num("a"), s.num("b"));
}
WeightLaw law_xavier_normal(const InitSpec& s, int in, int out) {
    return normal_law(0, s.num("gain") * std::sqrt(2.0 / (in + out)));  // std = gain sqrt(2/(fan_in+fan_out))
}
WeightLaw law_xavier_uniform(const InitSpec& s, int in, int out) {
    const double a = s.num("gain") * std::sqrt(6.0 / (in + out));  // bound = gain sqrt(6/(fan_in+fan_out))
    return uniform_law(-a, a);
}
WeightLaw law_kaiming_normal(const InitSpec& s, int in, int out) {
    return normal_law(0, spec_gain(s) / std::sqrt(fan_of(s.word("mode"), in, out)));  // std = gain / sqrt(fan)
}
WeightLaw law_kaiming_uniform(const InitSpec& s, int in, int out) {
    const double a = std::sqrt(3.0) * spec_gain(s) / std::sqrt(fan_of(s.word("mode"), in, out));  // bound = sqrt(3) std
    return uniform_law(-a, a);
}
WeightLaw law_variance_scaling(const InitSpec& s, int in, int out) {
    const double var = s.num("scale") / fan_of(s.word("mode"), in, out);  // Var = scale / fan
    const std::string& dist = s.word("distribution");
    if (dist == "uniform") return uniform_law(-std::sqrt(3 * var), std::sqrt(3 * var));
    if (dist == "untruncated_normal") return normal_law(0, std::sqrt(var));
    const double sd = std::sqrt(var) / kTruncStdCorrection;  // so that the truncated law has std sqrt(var)
    return trunc_law(0, sd, -2 * sd, 2 * sd);
}
WeightLaw law_lecun_normal(const InitSpec&, int in, int) {
    const double sd = std::sqrt(1.0 / in) / kTruncStdCorrection;
    return trunc_law(0, sd, -2 * sd, 2 * sd);
}
WeightLaw law_lecun_uniform(const InitSpec&, int in, int) { return uniform_law(-std::sqrt(3.0 / in), std::sqrt(3.0 / in)); }
WeightLaw law_other(const InitSpec&, int, int) { return {Kind::Other, 0, 0, 0, 0, 0}; }
WeightLaw law_orthogonal(const InitSpec& s, int in, int out) {
    // rows or columns orthonormal: every entry has mean square gain^2 / max(in, out)
    return {Kind::Other, 0, s.num("gain") / std::sqrt(1.0 * std::max(in, out)), 0, 0, 0};
}
// mean-field (Poole et al. 2016; Schoenholz et al. 2017): entries of mean square sigma_w2 / fan_in;
// orthogonal: gain^2 / max(in, out) = sigma_w2 / in, so gain = sqrt(sigma_w2 max(in, out) / in)
double meanfield_gain(const InitSpec& s, int in, int out) {
    return std::sqrt(s.num("sigma_w2") * std::max(in, out) / in);
}
WeightLaw law_meanfield(const InitSpec& s, int in, int out) {
    if (s.word("law") == "orthogonal") return {Kind::Other, 0, meanfield_gain(s, in, out) / std::sqrt(1.0 * std::max(in, out)), 0, 0, 0};
    return normal_law(0, std::sqrt(s.num("sigma_w2") / in));
}
WeightLaw law_sparse(const InitSpec& s, int, int out) {
    const double kept = 1 - std::ceil(s.num("sparsity") * out) / out;
    return {Kind::Other, 0, s.num("std") * std::sqrt(kept), 0, 0, 0};
}
WeightLaw law_unusual(const InitSpec& s, int, int) {
    const double f = s.num("fraction"), h = s.num("huge"), t = s.num("tiny");
    return {Kind::Mixture, 0, std::sqrt(f * h * h + (1 - f) * t * t), 0, 0, 0};
}
WeightLaw law_eye(const InitSpec& s, int in, int out) {
    const double g = s.values.empty() ? 1.0 : s.num("gain");
    const double n = 1.0 * in * out, ones = std::min(in, out);
    const double mean = g * ones / n;
    return {Kind::Other, mean, std::sqrt(g * g * ones / n - mean * mean), 0, 0, 0};
}

// ---- the fills ----

void fill_from_law(Tensor& W, Rng& rng, const WeightLaw& law) {
    switch (law.kind) {
        case Kind::Constant: W.fill(static_cast<float>(law.mean)); break;
        case Kind::Normal: fill_normal(W, rng, law.mean, law.std); break;
        case Kind::Uniform: fill_uniform(W, rng, law.lo, law.hi); break;
        case Kind::TruncatedNormal: fill_trunc_normal(W, rng, law.mean, law.scale, law.lo, law.hi); break;
        case Kind::Mixture:
        case Kind::Other: break;  // these have fills of their own
    }
}

template <WeightLaw (*Law)(const InitSpec&, int, int)>
void fill_by_law(Tensor& W, Rng& rng, const InitSpec& s) {
    fill_from_law(W, rng, Law(s, W.cols(), W.rows()));
}

void fill_orthogonal_spec(Tensor& W, Rng& rng, const InitSpec& s) { fill_orthogonal(W, rng, s.num("gain")); }
void fill_meanfield(Tensor& W, Rng& rng, const InitSpec& s) {
    if (s.word("law") == "orthogonal")
        fill_orthogonal(W, rng, meanfield_gain(s, W.cols(), W.rows()));
    else
        fill_from_law(W, rng, law_meanfield(s, W.cols(), W.rows()));
}
void fill_lsuv_start(Tensor& W, Rng& rng, const InitSpec&) { fill_orthogonal(W, rng, 1.0); }
void fill_sparse_spec(Tensor& W, Rng& rng, const InitSpec& s) { fill_sparse(W, rng, s.num("sparsity"), s.num("std")); }

// torch.eye_ / Keras Identity: gain on the diagonal (of a possibly non-square matrix), 0 elsewhere
void fill_eye(Tensor& W, Rng&, const InitSpec& s) {
    W.fill(0.0f);
    const double g = s.values.empty() ? 1.0 : s.num("gain");
    for (int i = 0; i < std::min(W.rows(), W.cols()); ++i) W.at(i, i) = static_cast<float>(g);
}

// The notebook's "unusual weights": a coin per entry; heads randn*huge, tails randn*tiny.
void fill_unusual(Tensor& W, Rng& rng, const InitSpec& s) {
    const double f = s.num("fraction"), huge = s.num("huge"), tiny = s.num("tiny");
    for (std::size_t i = 0; i < W.size(); ++i) {
        const bool heads = rng.uniform() < f;
        W.data()[i] = to_float32(rng.normal() * (heads ? huge : tiny));
    }
}

const char* const kNonlinearities =
    "linear|conv1d|conv2d|conv3d|conv_transpose1d|conv_transpose2d|conv_transpose3d|sigmoid|tanh|relu|leaky_relu|selu";

}  // namespace

// clang-format off
const std::vector<Initializer>& initializers() {
    static const std::vector<Initializer> table = {
        {"default", "linear_default", "PyTorch", {},
         "U(-1/sqrt(fan_in), 1/sqrt(fan_in)): nn.Linear's kaiming_uniform_(a=sqrt(5))",
         "PyTorch's out-of-the-box Linear; a safe, slightly small start", BiasRule::Linear, false,
         fill_by_law<law_default>, law_default},
        {"zeros", "zero", "notebook", {}, "0",
         "never for weights: every unit stays identical (the symmetry problem)", BiasRule::SameAsWeights, false,
         fill_by_law<law_zeros>, law_zeros},
        {"ones", "", "PyTorch", {}, "1", "a symmetric counter-example, like zeros", BiasRule::Linear, false,
         fill_by_law<law_ones>, law_ones},
        {"constant", "const", "notebook", {{"val", "0.5", ""}}, "val (also --init-value)",
         "never for weights: symmetric, and large values blow up the first loss", BiasRule::SameAsWeights, false,
         fill_by_law<law_constant>, law_constant},
        {"unusual", "wild", "notebook", {{"fraction", "0.5", ""}, {"huge", "100", ""}, {"tiny", "1e-8", ""}},
         "per entry a coin with P(heads) = fraction: randn*huge on heads, randn*tiny on tails",
         "to watch divergence and vanishing signals (the notebook's cell)", BiasRule::SameAsWeights, false,
         fill_unusual, law_unusual},
        {"randn", "", "notebook", {}, "N(0, 1)",
         "a counter-example: far too large for 784 inputs, the loss starts huge", BiasRule::Linear, false,
         fill_by_law<law_randn>, law_randn},
        {"uniform", "", "PyTorch", {{"a", "0", ""}, {"b", "1", ""}}, "U(a, b)",
         "building block; mind that the default U(0,1) is not zero-mean", BiasRule::Linear, false,
         fill_by_law<law_uniform>, law_uniform},
        {"normal", "", "PyTorch", {{"mean", "0", ""}, {"std", "1", ""}}, "N(mean, std^2)",
         "building block; GPT-style std=0.02 for wide layers", BiasRule::Linear, false,
         fill_by_law<law_normal>, law_normal},
        {"trunc_normal", "truncated_normal", "PyTorch", {{"mean", "0", ""}, {"std", "1", ""}, {"a", "-2", ""}, {"b", "2", ""}},
         "N(mean, std^2) restricted to [a, b] (absolute bounds, no variance correction)",
         "transformers (std=0.02, a=-0.04, b=0.04): a normal without outliers", BiasRule::Linear, false,
         fill_by_law<law_trunc_normal>, law_trunc_normal},
        {"xavier_normal", "xavier,glorot,glorot_normal", "PyTorch", {{"gain", "1", ""}},
         "N(0, gain^2 * 2/(fan_in+fan_out))",
         "tanh, sigmoid and linear layers: keeps forward and backward variance balanced", BiasRule::Linear, false,
         fill_by_law<law_xavier_normal>, law_xavier_normal},
        {"xavier_uniform", "glorot_uniform", "PyTorch", {{"gain", "1", ""}},
         "U(-a, a), a = gain * sqrt(6/(fan_in+fan_out))", "as xavier_normal; Keras's default for Dense",
         BiasRule::Linear, false, fill_by_law<law_xavier_uniform>, law_xavier_uniform},
        {"kaiming_normal", "kaiming,he,he_normal", "PyTorch",
         {{"a", "0", ""}, {"mode", "fan_in", "fan_in|fan_out"}, {"nonlinearity", "leaky_relu", kNonlinearities}},
         "N(0, gain^2/fan), gain = calculate_gain(nonlinearity, a), fan = fan_in or fan_out by mode",
         "ReLU networks, deep ones above all: keeps the activation variance constant", BiasRule::Linear, false,
         fill_by_law<law_kaiming_normal>, law_kaiming_normal},
        {"kaiming_uniform", "he_uniform", "PyTorch",
         {{"a", "0", ""}, {"mode", "fan_in", "fan_in|fan_out"}, {"nonlinearity", "leaky_relu", kNonlinearities}},
         "U(-b, b), b = gain * sqrt(3/fan)", "as kaiming_normal", BiasRule::Linear, false,
         fill_by_law<law_kaiming_uniform>, law_kaiming_uniform},
        {"orthogonal", "", "PyTorch", {{"gain", "1", ""}},
         "gain * Q of the QR of a N(0,1) matrix, sign-fixed: orthonormal rows (or columns)",
         "deep linear and recurrent nets: all singular values 1, signals neither grow nor shrink",
         BiasRule::Linear, false, fill_orthogonal_spec, law_orthogonal},
        {"sparse", "", "PyTorch", {{"sparsity", "0.1", ""}, {"std", "0.01", ""}},
         "N(0, std^2), then ceil(sparsity * fan_out) random entries of every column set to 0",
         "Martens 2010's sparse init for deep nets; rarely used today", BiasRule::Linear, false,
         fill_sparse_spec, law_sparse},
        {"eye", "", "PyTorch", {}, "1 on the diagonal, 0 elsewhere (any shape)",
         "keeps inputs as they are in linear layers; identity-preserving residual-style starts",
         BiasRule::Linear, false, fill_eye, law_eye},
        {"identity", "", "Keras/JAX", {{"gain", "1", ""}}, "gain on the diagonal, 0 elsewhere", "as eye, scaled",
         BiasRule::Linear, false, fill_eye, law_eye},
        {"lecun_normal", "", "Keras/JAX", {},
         "truncated normal in +-2 sd, sd = sqrt(1/fan_in) / 0.8796 (so the std is sqrt(1/fan_in))",
         "SELU networks (self-normalizing); linear layers", BiasRule::Linear, false,
         fill_by_law<law_lecun_normal>, law_lecun_normal},
        {"lecun_uniform", "", "Keras/JAX", {}, "U(-a, a), a = sqrt(3/fan_in)", "as lecun_normal",
         BiasRule::Linear, false, fill_by_law<law_lecun_uniform>, law_lecun_uniform},
        {"variance_scaling", "", "Keras/JAX",
         {{"scale", "1", ""}, {"mode", "fan_in", "fan_in|fan_out|fan_avg"},
          {"distribution", "truncated_normal", "truncated_normal|untruncated_normal|uniform"}},
         "Var = scale/fan: truncated_normal (sd / 0.8796, cut at +-2 sd), untruncated_normal, or U(-sqrt(3 Var), sqrt(3 Var))",
         "the general form: glorot = (1, fan_avg), he = (2, fan_in), lecun = (1, fan_in)", BiasRule::Linear, false,
         fill_by_law<law_variance_scaling>, law_variance_scaling},
        {"meanfield", "", "theory", {{"sigma_w2", "1", ""}, {"sigma_b2", "0", ""}, {"law", "normal", "normal|orthogonal"}},
         "N(0, sigma_w2/fan_in), or orthogonal scaled to that variance; biases N(0, sigma_b2)",
         "a point of `wi theory`'s phase diagram: tanh trains deepest near the critical line (chi1 = 1)",
         BiasRule::Normal, false, fill_meanfield, law_meanfield},
        {"lsuv", "", "structural", {{"tol", "0.1", ""}, {"iters", "10", ""}},
         "orthogonal, then each layer rescaled until its output variance on a training batch is 1 +- tol",
         "deep nets of any activation: data-driven unit variance (Mishkin & Matas 2016)", BiasRule::Zeros, true,
         fill_lsuv_start, law_other},
        {"zero_last", "", "structural", {},
         "default for every layer, then the output layer's weights and bias set to 0",
         "trains fine, unlike all-zeros: symmetry breaks in the hidden layers", BiasRule::Linear, false,
         fill_by_law<law_default>, law_default},
    };
    return table;
}
// clang-format on

double InitSpec::num(const std::string& key) const { return std::strtod(word(key).c_str(), nullptr); }

const std::string& InitSpec::word(const std::string& key) const {
    for (const auto& kv : values)
        if (kv.first == key) return kv.second;
    throw Error("initializer " + std::string(init ? init->name : "?") + " has no parameter '" + key + "'");
}

std::string InitSpec::text() const {
    std::string t = init->name;
    if (values.empty()) return t;
    t += "(";
    for (std::size_t i = 0; i < values.size(); ++i) t += (i ? ", " : "") + values[i].first + "=" + values[i].second;
    return t + ")";
}

const Initializer& find_initializer(const std::string& name) {
    for (const Initializer& init : initializers()) {
        if (name == init.name) return init;
        std::stringstream aliases(init.aliases);
        std::string alias;
        while (std::getline(aliases, alias, ','))
            if (name == alias) return init;
    }
    throw Error("--init: unknown initializer '" + name + "' (valid: " + initializer_names() + ")");
}

std::string initializer_names() {
    std::string names;
    for (const Initializer& init : initializers()) names += (names.empty() ? "" : ", ") + std::string(init.name);
    return names;
}

double calculate_gain(const std::string& nl, double param) {
    if (nl == "linear" || nl == "sigmoid" || nl.rfind("conv", 0) == 0) return 1.0;
    if (nl == "tanh") return 5.0 / 3;
    if (nl == "relu") return std::sqrt(2.0);
    if (nl == "leaky_relu") return std::sqrt(2.0 / (1 + param * param));
    if (nl == "selu") return 3.0 / 4;
    throw Error("unknown nonlinearity '" + nl + "'");
}

double spec_gain(const InitSpec& s) {
    for (const auto& kv : s.values) {
        if (kv.first == "gain") return s.num("gain");
        if (kv.first == "nonlinearity") return calculate_gain(s.word("nonlinearity"), s.num("a"));
    }
    return 1.0;
}

InitSpec default_spec(const Initializer& init, const InitOptions& opt) {
    InitSpec s;
    s.init = &init;
    for (const ParamSpec& p : init.params) s.values.emplace_back(p.name, p.default_value);
    if (std::string(init.name) == "constant") {
        s.values[0].second = shortest_double(opt.value);  // 0.1, not 0.10000000000000001
    }
    return s;
}

WeightLaw weight_law(const InitSpec& spec, int fan_in, int fan_out) { return spec.init->law(spec, fan_in, fan_out); }

WeightLaw weight_law(const Initializer& init, int fan_in, int fan_out, const InitOptions& opt) {
    return weight_law(default_spec(init, opt), fan_in, fan_out);
}

void initialize(Mlp& m, const Initializer& init, Rng& rng, const InitOptions& opt) {
    initialize(m, default_spec(init, opt), BiasPolicy{}, rng);
}

void Initializer::fill(Layer& layer, Rng& rng, const InitOptions& opt) const {
    fill_layer(layer, default_spec(*this, opt), BiasPolicy{}, rng);
}

void initialize(Mlp& m, const InitSpec& spec, const BiasPolicy& bias, Rng& rng) {
    for (Layer& L : m.layers) {
        if (interrupt_signal()) return;  // asked to stop: the caller sees the signal and drops the model
        fill_layer(L, spec, bias, rng);
    }
    if (std::string(spec.init->name) == "zero_last") {
        m.layers.back().W.fill(0.0f);
        m.layers.back().b.fill(0.0f);
    }
}

void fill_layer(Layer& L, const InitSpec& spec, const BiasPolicy& bias, Rng& rng) {
    {
        spec.init->fill_weights(L.W, rng, spec);
        const double bound = 1 / std::sqrt(static_cast<double>(L.in));
        switch (bias.kind) {
            case BiasPolicy::Kind::Linear: fill_uniform(L.b, rng, -bound, bound); break;
            case BiasPolicy::Kind::Zeros: L.b.fill(0.0f); break;
            case BiasPolicy::Kind::Constant: L.b.fill(static_cast<float>(bias.value)); break;
            case BiasPolicy::Kind::FromInit:
                switch (spec.init->bias) {
                    case BiasRule::Linear: fill_uniform(L.b, rng, -bound, bound); break;  // nn.Linear's bias
                    case BiasRule::SameAsWeights: spec.init->fill_weights(L.b, rng, spec); break;
                    case BiasRule::Zeros: L.b.fill(0.0f); break;
                    case BiasRule::Normal: fill_normal(L.b, rng, 0.0, std::sqrt(spec.num("sigma_b2"))); break;
                }
        }
    }
}

}  // namespace wi
