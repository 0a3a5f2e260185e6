#include "layer_stats.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "../data/idx.h"
#include "../nn/cross_entropy.h"
#include "../core/strf.h"

namespace wi {

namespace {

// Rows r of A (and entry r of b) compared bitwise; returns how many distinct rows there are.
int distinct_rows(const Tensor& A, const Tensor& b) {
    int distinct = 0;
    for (int i = 0; i < A.rows(); ++i) {
        bool seen = false;
        for (int j = 0; j < i && !seen; ++j)
            seen = std::memcmp(A.row(i), A.row(j), sizeof(float) * A.cols()) == 0 &&
                   std::memcmp(&b.data()[i], &b.data()[j], sizeof(float)) == 0;
        distinct += !seen;
    }
    return distinct;
}

void mean_std(const float* v, std::size_t n, double& mean, double& std) {
    double s = 0, sq = 0;
    for (std::size_t i = 0; i < n; ++i) s += v[i];
    mean = s / n;
    for (std::size_t i = 0; i < n; ++i) sq += (v[i] - mean) * (v[i] - mean);
    std = std::sqrt(sq / n);
}

}  // namespace

Probe make_probe(const Dataset& d, int n) {
    Probe p;
    p.n = std::min(n, d.count);
    p.x = Tensor(p.n, kImagePixels);
    std::vector<int> idx(p.n);
    std::iota(idx.begin(), idx.end(), 0);
    normalize_batch(p.x.data(), d, idx.data(), p.n);
    p.y.assign(d.labels.begin(), d.labels.begin() + p.n);
    double sq = 0;
    for (std::size_t i = 0; i < p.x.size(); ++i) sq += static_cast<double>(p.x.data()[i]) * p.x.data()[i];
    p.input_mean_square = sq / p.x.size();
    return p;
}

std::vector<LayerStats> measure_layers(Mlp& m, const Probe& probe) {
    Workspace ws = make_workspace(m, probe.n);
    mlp_forward(m, ws, probe.x.data(), probe.n);
    mlp_backward(m, ws, probe.x.data(), probe.y.data(), probe.n);
    const int layers = static_cast<int>(m.layers.size());
    std::vector<LayerStats> out(layers);
    for (int l = 0; l < layers; ++l) {
        const Layer& layer = m.layers[l];
        LayerStats& s = out[l];
        s.layer = l + 1;
        s.units = layer.out;
        const std::size_t n = static_cast<std::size_t>(probe.n) * layer.out;
        const float* z = ws.z[l].data();
        const float* a = l + 1 == layers ? z : ws.a[l].data();  // the logits have no activation
        mean_std(z, n, s.z_mean, s.z_std);
        mean_std(a, n, s.a_mean, s.a_std);
        double w_mean;
        mean_std(layer.W.data(), layer.W.size(), w_mean, s.w_std);
        const bool hidden = l + 1 < layers;
        s.saturated = s.dead = NAN;  // measured below only where the activation has that state
        if (hidden && (m.act == Activation::Sigmoid || m.act == Activation::Tanh)) {
            std::size_t sat = 0;
            for (std::size_t i = 0; i < n; ++i) sat += std::abs(z[i]) > kSaturatedZ;
            s.saturated = static_cast<double>(sat) / n;
        }
        if (hidden && m.act == Activation::Relu) {
            int dead = 0;
            for (int u = 0; u < layer.out; ++u) {
                bool alive = false;
                for (int i = 0; i < probe.n && !alive; ++i) alive = a[static_cast<std::size_t>(i) * layer.out + u] > 0;
                dead += !alive;
            }
            s.dead = static_cast<double>(dead) / layer.out;
        }
        double g = 0;
        for (std::size_t i = 0; i < layer.dW.size(); ++i) g += static_cast<double>(layer.dW.data()[i]) * layer.dW.data()[i];
        for (std::size_t i = 0; i < layer.db.size(); ++i) g += static_cast<double>(layer.db.data()[i]) * layer.db.data()[i];
        s.grad_norm = std::sqrt(g);
        double dz_mean;
        mean_std(ws.dz[l].data(), n, dz_mean, s.dz_std);
        s.distinct_units = distinct_rows(layer.W, layer.b);
        s.distinct_grads = distinct_rows(layer.dW, layer.db);
    }
    // a ratio to a zero or non-finite norm is no measurement: NaN, never a made-up 0
    const double last_norm = out.back().grad_norm;
    for (LayerStats& s : out) s.grad_ratio = last_norm > 0 && std::isfinite(last_norm) ? s.grad_norm / last_norm : NAN;
    return out;
}

std::string stats_table(const std::vector<LayerStats>& stats, const std::string& when, Activation act) {
    std::string t = "layer statistics " + when + " (" + std::to_string(kProbeImages) + " probe images)\n";
    char line[256];
    std::snprintf(line, sizeof line, "  %-5s %10s %10s %10s %10s %9s %9s %10s %11s %9s\n", "layer", "z mean", "z std",
                  "a mean", "a std", act == Activation::Relu ? "dead" : "saturated", "distinct", "W std", "grad norm",
                  "grad/last");
    t += line;
    for (const LayerStats& s : stats) {
        const double frac = act == Activation::Relu ? s.dead : s.saturated;
        char frac_text[32] = "-", ratio_text[32] = "-";  // "-": not measured (no such state, no reference norm)
        if (!std::isnan(frac)) std::snprintf(frac_text, sizeof frac_text, "%.1f%%", 100 * frac);
        if (!std::isnan(s.grad_ratio)) std::snprintf(ratio_text, sizeof ratio_text, "%.3g", s.grad_ratio);
        std::snprintf(line, sizeof line, "  fc%-3d %10.3g %10.3g %10.3g %10.3g %9s %5d/%-3d %10.3g %11.3g %9s\n",
                      s.layer, s.z_mean, s.z_std, s.a_mean, s.a_std, frac_text, s.distinct_units, s.units, s.w_std,
                      s.grad_norm, ratio_text);
        t += line;
    }
    return t;
}

std::string stats_csv_header() {
    return "init,when,layer,z_mean,z_std,a_mean,a_std,saturated,dead,w_std,grad_norm,grad_ratio,distinct_units,units\n";
}

std::string stats_csv_rows(const std::vector<LayerStats>& stats, const std::string& init, const std::string& when) {
    std::string rows;
    char line[512];
    // an unmeasured value is an empty field; the init spec (commas, any length) is quoted
    auto field = [](double v) { return std::isnan(v) ? std::string() : strf("%.6g", v); };
    for (const LayerStats& s : stats) {
        std::snprintf(line, sizeof line, ",%s,%d,%.6g,%.6g,%.6g,%.6g,%s,%s,%.6g,%.6g,%s,%d,%d\n", when.c_str(), s.layer,
                      s.z_mean, s.z_std, s.a_mean, s.a_std, field(s.saturated).c_str(), field(s.dead).c_str(), s.w_std,
                      s.grad_norm, field(s.grad_ratio).c_str(), s.distinct_units, s.units);
        rows += "\"" + init + "\"" + line;
    }
    return rows;
}

}  // namespace wi
