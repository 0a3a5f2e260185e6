#include "init.h"

#include <cmath>
#include <sstream>

#include "error.h"

namespace wi {

namespace {

void fill_uniform(Tensor& t, Rng& rng, double lo, double hi) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(rng.uniform(lo, hi));
}

void fill_normal(Tensor& t, Rng& rng, double mean, double std) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(rng.normal(mean, std));
}

// nn.Linear's bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
void default_bias(Layer& L, Rng& rng) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(L.in));
    fill_uniform(L.b, rng, -bound, bound);
}

// nn.Linear's weight: kaiming_uniform_(a=sqrt(5)) -> gain sqrt(2/(1+5)), bound gain*sqrt(3/fan_in) = 1/sqrt(fan_in)
void init_default(Layer& L, Rng& rng, const InitOptions&) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(L.in));
    fill_uniform(L.W, rng, -bound, bound);
    default_bias(L, rng);
}

void init_zeros(Layer& L, Rng&, const InitOptions&) {
    L.W.fill(0.0f);
    L.b.fill(0.0f);
}

void init_constant(Layer& L, Rng&, const InitOptions& opt) {
    L.W.fill(static_cast<float>(opt.value));
    L.b.fill(static_cast<float>(opt.value));
}

// The notebook's "unusual weights": a ~50% mask of entries gets randn*100, the rest randn*1e-8.
void fill_unusual(Tensor& t, Rng& rng) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        const bool huge = rng.uniform() < 0.5;
        t.data()[i] = static_cast<float>(rng.normal() * (huge ? 100.0 : 1e-8));
    }
}

void init_unusual(Layer& L, Rng& rng, const InitOptions&) {
    fill_unusual(L.W, rng);
    fill_unusual(L.b, rng);
}

void init_randn(Layer& L, Rng& rng, const InitOptions&) {
    fill_normal(L.W, rng, 0.0, 1.0);
    default_bias(L, rng);
}

// xavier (Glorot & Bengio 2010), gain 1: Var(W) = 2 / (fan_in + fan_out)
void init_xavier_normal(Layer& L, Rng& rng, const InitOptions&) {
    fill_normal(L.W, rng, 0.0, std::sqrt(2.0 / (L.in + L.out)));
    default_bias(L, rng);
}

void init_xavier_uniform(Layer& L, Rng& rng, const InitOptions&) {
    const double bound = std::sqrt(6.0 / (L.in + L.out));  // uniform with the same variance
    fill_uniform(L.W, rng, -bound, bound);
    default_bias(L, rng);
}

// kaiming (He et al. 2015) as torch's defaults: mode fan_in, gain sqrt(2) (leaky_relu with a = 0)
void init_kaiming_normal(Layer& L, Rng& rng, const InitOptions&) {
    fill_normal(L.W, rng, 0.0, std::sqrt(2.0) / std::sqrt(static_cast<double>(L.in)));
    default_bias(L, rng);
}

void init_kaiming_uniform(Layer& L, Rng& rng, const InitOptions&) {
    const double bound = std::sqrt(2.0) * std::sqrt(3.0 / L.in);
    fill_uniform(L.W, rng, -bound, bound);
    default_bias(L, rng);
}

}  // namespace

const std::vector<Initializer>& initializers() {
    static const std::vector<Initializer> table = {
        {"default", "", "W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))  (nn.Linear's kaiming_uniform_(a=sqrt(5)))",
         "b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))", init_default},
        {"zeros", "zero", "W = 0", "b = 0", init_zeros},
        {"constant", "const", "W = v  (--init-value v, default 0.5)", "b = v", init_constant},
        {"unusual", "wild", "W = randn*100 where a fair coin says so (~50%), else randn*1e-8",
         "b: the same rule, its own coins", init_unusual},
        {"randn", "normal", "W ~ N(0, 1)", "default", init_randn},
        {"xavier_normal", "xavier,glorot,glorot_normal", "W ~ N(0, 2/(fan_in+fan_out))", "default",
         init_xavier_normal},
        {"xavier_uniform", "glorot_uniform", "W ~ U(-a, a), a = sqrt(6/(fan_in+fan_out))", "default",
         init_xavier_uniform},
        {"kaiming_normal", "kaiming,he,he_normal", "W ~ N(0, 2/fan_in)  (gain sqrt(2), mode fan_in)", "default",
         init_kaiming_normal},
        {"kaiming_uniform", "he_uniform", "W ~ U(-a, a), a = sqrt(2)*sqrt(3/fan_in)", "default",
         init_kaiming_uniform},
    };
    return table;
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
    for (const Initializer& init : initializers()) {
        if (!names.empty()) names += ", ";
        names += init.name;
    }
    return names;
}

WeightLaw weight_law(const Initializer& init, int fan_in, int fan_out, const InitOptions& opt) {
    const std::string name = init.name;
    const double in = fan_in, out = fan_out;
    WeightLaw law;
    auto uniform = [&law](double bound) {
        law.kind = WeightLaw::Kind::Uniform;
        law.lo = -bound;
        law.hi = bound;
        law.std = bound / std::sqrt(3.0);  // Var U(-a, a) = a^2 / 3
    };
    auto normal = [&law](double std) {
        law.kind = WeightLaw::Kind::Normal;
        law.std = std;
    };
    if (name == "default") uniform(1.0 / std::sqrt(in));
    else if (name == "zeros") law.mean = 0.0;
    else if (name == "constant") law.mean = opt.value;
    else if (name == "randn") normal(1.0);
    else if (name == "xavier_normal") normal(std::sqrt(2.0 / (in + out)));
    else if (name == "xavier_uniform") uniform(std::sqrt(6.0 / (in + out)));
    else if (name == "kaiming_normal") normal(std::sqrt(2.0 / in));
    else if (name == "kaiming_uniform") uniform(std::sqrt(2.0) * std::sqrt(3.0 / in));
    else if (name == "unusual") {
        law.kind = WeightLaw::Kind::Mixture;
        law.std = std::sqrt(0.5 * 100.0 * 100.0 + 0.5 * 1e-16);
    }
    return law;
}

void initialize(Mlp& m, const Initializer& init, Rng& rng, const InitOptions& opt) {
    for (Layer& L : m.layers) init.fill(L, rng, opt);
}

}  // namespace wi
