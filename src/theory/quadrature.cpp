// quadrature.cpp - Gauss-Hermite nodes and weights (see quadrature.h).
#include "quadrature.h"

#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "../core/error.h"

namespace wi {
namespace {

// The orthonormal Hermite polynomials (weight e^{-x^2}) p_n(x) and p_{n-1}(x) by the three-term
// recurrence p_j = x sqrt(2/j) p_{j-1} - sqrt((j-1)/j) p_{j-2}, p_0 = pi^{-1/4}.
void hermite(int n, double x, double& pn, double& pn1) {
    double prev = 0.0, cur = std::pow(M_PI, -0.25);
    for (int j = 1; j <= n; ++j) {
        const double next = x * std::sqrt(2.0 / j) * cur - std::sqrt((j - 1.0) / j) * prev;
        prev = cur;
        cur = next;
    }
    pn = cur;
    pn1 = prev;
}

GaussHermite compute(int n) {
    // Physicists' roots lie inside |x| < sqrt(2n + 1); neighbouring roots are at least about
    // pi / sqrt(2n + 1) apart, far wider than the scan's step.
    const double edge = std::sqrt(2.0 * n + 1.0) + 0.5;
    const double step = 0.002;
    GaussHermite g;
    double a = -edge, pa, unused;
    hermite(n, a, pa, unused);
    while (a < edge) {
        const double b = a + step;
        double pb;
        hermite(n, b, pb, unused);
        if ((pa < 0) != (pb < 0) || pb == 0.0) {
            double lo = a, hi = b, plo = pa;
            for (int it = 0; it < 200 && hi - lo > 0; ++it) {
                const double mid = 0.5 * (lo + hi);
                if (mid <= lo || mid >= hi) break;
                double pm;
                hermite(n, mid, pm, unused);
                if ((pm < 0) == (plo < 0) && pm != 0.0) {
                    lo = mid;
                    plo = pm;
                } else {
                    hi = mid;
                }
            }
            const double root = 0.5 * (lo + hi);
            double p, p1;
            hermite(n, root, p, p1);
            const double dp = std::sqrt(2.0 * n) * p1;  // p_n' = sqrt(2n) p_{n-1}
            // physicists' weight 2 / p_n'^2 (sum sqrt(pi)) -> probabilists': node * sqrt(2), weight / sqrt(pi)
            g.x.push_back(root * std::sqrt(2.0));
            g.w.push_back(2.0 / (dp * dp) / std::sqrt(M_PI));
            // the next cell starts past this root
            a = b;
            pa = pb == 0.0 ? -plo : pb;
            continue;
        }
        a = b;
        pa = pb;
    }
    if (static_cast<int>(g.x.size()) != n)
        throw Error("gauss_hermite: found " + std::to_string(g.x.size()) + " of " + std::to_string(n) + " nodes");
    return g;
}

}  // namespace

const GaussHermite& gauss_hermite(int n) {
    if (n < 2 || n > 400) throw Error("gauss_hermite: " + std::to_string(n) + " nodes (2 to 400)");
    static std::mutex m;
    static std::map<int, GaussHermite> rules;
    std::lock_guard<std::mutex> lock(m);
    auto it = rules.find(n);
    if (it == rules.end()) it = rules.emplace(n, compute(n)).first;
    return it->second;
}

}  // namespace wi
