#include "lsuv.h"

#include <cmath>

#include "../core/interrupt.h"

namespace wi {

std::vector<LsuvLayer> lsuv_rescale(Mlp& m, const Probe& probe, double tol, int max_iters) {
    Workspace ws = make_workspace(m, probe.n);
    std::vector<LsuvLayer> report(m.layers.size());
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        Layer& L = m.layers[l];
        const std::size_t n = static_cast<std::size_t>(probe.n) * L.out;
        for (;;) {
            if (interrupt_signal()) return report;  // asked to stop: the caller sees the signal too
            mlp_forward(m, ws, probe.x.data(), probe.n);  // the layers before l are final already
            const float* z = ws.z[l].data();
            double s = 0, sq = 0;
            for (std::size_t i = 0; i < n; ++i) s += z[i];
            const double mean = s / n;
            for (std::size_t i = 0; i < n; ++i) sq += (z[i] - mean) * (z[i] - mean);
            const double var = sq / n;
            report[l].variance = var;
            if (std::abs(var - 1.0) < tol || report[l].iterations >= max_iters || !(var > 0) || !std::isfinite(var)) break;
            const float scale = static_cast<float>(1.0 / std::sqrt(var));  // W <- W / sqrt(Var(z))
            for (std::size_t i = 0; i < L.W.size(); ++i) L.W.data()[i] *= scale;
            ++report[l].iterations;
        }
    }
    return report;
}

}  // namespace wi
