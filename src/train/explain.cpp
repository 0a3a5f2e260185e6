#include "explain.h"

#include <cmath>
#include <cstdio>

namespace wi {

double activation_mean_square(Activation act, double var) {
    if (act == Activation::None) return var;
    if (act == Activation::Relu) return var / 2;  // half of a symmetric law survives
    // sigmoid, tanh: the midpoint rule over t in [-8, 8] of phi(t) f(sqrt(var) t)^2
    constexpr int kSteps = 1600;
    const double h = 16.0 / kSteps, s = std::sqrt(var);
    double sum = 0;
    for (int k = 0; k < kSteps; ++k) {
        const double t = -8 + (k + 0.5) * h;
        const double z = s * t;
        const double f = act == Activation::Tanh ? std::tanh(z) : 1 / (1 + std::exp(-z));
        sum += std::exp(-t * t / 2) / std::sqrt(2 * M_PI) * f * f * h;
    }
    return sum;
}

std::string explain_init(const RunSetup& setup, const Probe& probe) {
    Mlp m = build_model(setup, probe, nullptr);
    const std::vector<LayerStats> measured = measure_layers(m, probe);
    std::string out = "explain " + setup.spec.text() + "\n  model " + std::to_string(setup.arch.front());
    for (std::size_t i = 1; i < setup.arch.size(); ++i) out += "-" + std::to_string(setup.arch[i]);
    char line[512];
    std::snprintf(line, sizeof line,
                  ", activation %s, bias: %s\n  inputs: E[x^2] = %.4f over %d training images (normalized pixels)\n",
                  activation_name(setup.act), bias_text(setup.spec, setup.bias).c_str(), probe.input_mean_square,
                  probe.n);
    out += line;
    std::snprintf(line, sizeof line, "  %-5s %7s %7s %7s  %-16s %9s %9s %9s  %14s %14s\n", "layer", "fan_in", "fan_out",
                  "gain", "law", "mean", "std", "bound", "expected z std", "measured z std");
    out += line;
    double a2 = probe.input_mean_square;  // E[a^2] feeding the layer
    bool zero_mean = true;
    // the gain column: only an initializer with a gain (or a nonlinearity giving one) has one
    char gain[32] = "-";
    for (const auto& kv : setup.spec.values)
        if (kv.first == "gain" || kv.first == "nonlinearity")
            std::snprintf(gain, sizeof gain, "%.4g", spec_gain(setup.spec));
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& L = m.layers[l];
        WeightLaw law = weight_law(setup.spec, L.in, L.out);
        const bool last = l + 1 == m.layers.size();
        if (std::string(setup.spec.init->name) == "zero_last" && last) law = WeightLaw{};  // output layer zeroed
        const char* kind = "constant";
        switch (law.kind) {
            case WeightLaw::Kind::Constant: kind = "constant"; break;
            case WeightLaw::Kind::Normal: kind = "normal"; break;
            case WeightLaw::Kind::Uniform: kind = "uniform"; break;
            case WeightLaw::Kind::TruncatedNormal: kind = "truncated normal"; break;
            case WeightLaw::Kind::Mixture: kind = "mixture"; break;
            case WeightLaw::Kind::Other: kind = setup.spec.init->name; break;
        }
        if (setup.spec.init->needs_data) {  // rescaled on data: the weights' std is what LSUV made it
            kind = "orthogonal+lsuv";
            law.std = measured[l].w_std;
        }
        char bound[32] = "-";
        if (law.kind == WeightLaw::Kind::Uniform || law.kind == WeightLaw::Kind::TruncatedNormal)
            std::snprintf(bound, sizeof bound, "%.4g", law.hi);
        // E[b^2] of the bias as it was actually set
        double b2 = 0;
        for (std::size_t i = 0; i < L.b.size(); ++i) b2 += static_cast<double>(L.b.data()[i]) * L.b.data()[i];
        b2 /= L.b.size();
        // the weights' own mean: a truncated normal's is not the mean before truncation
        const double mean = law.kind == WeightLaw::Kind::TruncatedNormal ? law.truncated_mean : law.mean;
        zero_mean = zero_mean && mean == 0.0;
        const double z2 = L.in * (law.std * law.std + mean * mean) * a2 + b2;
        char expected[32] = "n/a (data)";
        if (!setup.spec.init->needs_data) std::snprintf(expected, sizeof expected, "%.4g%s", std::sqrt(z2), zero_mean ? "" : "*");
        std::snprintf(line, sizeof line, "  fc%-3zu %7d %7d %7s  %-16s %9.4g %9.4g %9s  %14s %14.4g\n", l + 1, L.in,
                      L.out, gain, kind, mean, law.std, bound, expected, measured[l].z_std);
        out += line;
        a2 = activation_mean_square(setup.act, z2);
    }
    if (!zero_mean)
        out += "  * weights not zero-mean: the units are correlated and the independence estimate does not hold;\n"
               "    the measured column is what the data does\n";
    return out;
}

}  // namespace wi
