// meanfield.cpp - the length and correlation maps, their fixed points, chi_1, the depth scales
// and the critical line (see meanfield.h for the conventions and the papers).
#include "meanfield.h"

#include <cmath>
#include <vector>

#include "quadrature.h"

namespace wi {

double mf_phi(Activation a, double z) {
    switch (a) {
        case Activation::Tanh: return std::tanh(z);
        case Activation::Relu: return z > 0 ? z : 0.0;
        case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-z));
        case Activation::None: break;
    }
    return z;
}

double mf_dphi(Activation a, double z) {
    switch (a) {
        case Activation::Tanh: {
            const double t = std::tanh(z);
            return 1.0 - t * t;
        }
        case Activation::Relu: return z > 0 ? 1.0 : 0.0;
        case Activation::Sigmoid: {
            const double s = 1.0 / (1.0 + std::exp(-z));
            return s * (1.0 - s);
        }
        case Activation::None: break;
    }
    return 1.0;
}

double mf_ddphi(Activation a, double z) {
    switch (a) {
        case Activation::Tanh: {
            const double t = std::tanh(z);
            return -2.0 * t * (1.0 - t * t);
        }
        case Activation::Sigmoid: {
            const double s = 1.0 / (1.0 + std::exp(-z));
            return s * (1.0 - s) * (1.0 - 2.0 * s);
        }
        case Activation::Relu:
        case Activation::None: break;
    }
    return 0.0;
}

namespace {

template <class F>
double expect1(F f) {
    const GaussHermite& g = gauss_hermite(kQuadratureNodes);
    double s = 0;
    for (std::size_t i = 0; i < g.x.size(); ++i) s += g.w[i] * f(g.x[i]);
    return s;
}

// E[f(u1) g(u2)], u1 = sqrt(q1) z1, u2 = sqrt(q2) (c z1 + sqrt(1 - c^2) z2), on the tensor rule.
template <class F, class G>
double expect2(F f, G g, double q1, double q2, double c) {
    const GaussHermite& r = gauss_hermite(kQuadratureNodes);
    const double s1 = std::sqrt(q1), s2 = std::sqrt(q2);
    const double cc = std::fmin(1.0, std::fmax(-1.0, c));
    const double sc = std::sqrt(std::fmax(0.0, 1.0 - cc * cc));
    double total = 0;
    for (std::size_t i = 0; i < r.x.size(); ++i) {
        const double fi = f(s1 * r.x[i]);
        if (fi == 0.0) continue;
        double inner = 0;
        for (std::size_t j = 0; j < r.x.size(); ++j) inner += r.w[j] * g(s2 * (cc * r.x[i] + sc * r.x[j]));
        total += r.w[i] * fi * inner;
    }
    return total;
}

// Iterates x <- map(x) from x0; the distance to the limit is estimated from the last two steps.
template <class M>
FixedPoint iterate(M map, double x0, double tol, bool relative, int max_iter) {
    FixedPoint r;
    double x = x0, prev_step = 0;
    for (int k = 1; k <= max_iter; ++k) {
        const double next = map(x);
        r.iterations = k;
        if (!std::isfinite(next) || std::fabs(next) > 1e12) return r;  // grows without bound
        const double step = next - x;
        x = next;
        if (step == 0.0) {
            r.value = x;
            r.converged = true;
            return r;
        }
        if (k > 1 && prev_step != 0.0) {
            const double ratio = step / prev_step;
            if (ratio > -1.0 && ratio < 1.0) {
                const double left = std::fabs(step) * std::fabs(ratio) / (1.0 - std::fabs(ratio));
                const double scale = relative ? std::fmax(1.0, std::fabs(x)) : 1.0;
                if (left <= tol * scale && std::fabs(step) <= tol * scale) {
                    r.value = x;
                    r.converged = true;
                    return r;
                }
            }
        }
        prev_step = step;
    }
    return r;
}

}  // namespace

double length_map(Activation a, double sw2, double sb2, double q) {
    const double s = std::sqrt(q);
    return sw2 * expect1([&](double z) {
        const double p = mf_phi(a, s * z);
        return p * p;
    }) + sb2;
}

double correlation_map_quadrature(Activation a, double sw2, double sb2, double q1, double q2, double c) {
    const auto phi = [a](double u) { return mf_phi(a, u); };
    const double qab = sw2 * expect2(phi, phi, q1, q2, c) + sb2;
    return qab / std::sqrt(length_map(a, sw2, sb2, q1) * length_map(a, sw2, sb2, q2));
}

double chi1_at(Activation a, double sw2, double q) {
    const double s = std::sqrt(q);
    return sw2 * expect1([&](double z) {
        const double d = mf_dphi(a, s * z);
        return d * d;
    });
}

double chi_c_quadrature(Activation a, double sw2, double q, double c) {
    const auto dphi = [a](double u) { return mf_dphi(a, u); };
    return sw2 * expect2(dphi, dphi, q, q, c);
}

// ReLU's kink costs the 2-D rule about 3 digits (c' 0.3209 against 0.3183 from c = 0): its
// closed forms are used for it; the quadrature is tested against them.
double correlation_map(Activation a, double sw2, double sb2, double q1, double q2, double c) {
    if (a == Activation::Relu) return relu_correlation_map(sw2, sb2, q1, q2, c);
    return correlation_map_quadrature(a, sw2, sb2, q1, q2, c);
}

double chi_c_at(Activation a, double sw2, double q, double c) {
    if (a == Activation::Relu) return relu_chi_c(sw2, c);
    return chi_c_quadrature(a, sw2, q, c);
}

double length_slope_at(Activation a, double sw2, double q) {
    const double s = std::sqrt(q);
    return chi1_at(a, sw2, q) + sw2 * expect1([&](double z) { return mf_ddphi(a, s * z) * mf_phi(a, s * z); });
}

FixedPoint q_star(Activation a, double sw2, double sb2, int max_iter) {
    return iterate([&](double q) { return length_map(a, sw2, sb2, q); }, 1.0, 1e-12, true, max_iter);
}

FixedPoint c_star(Activation a, double sw2, double sb2, double q, int max_iter) {
    if (!(q > 0) || !std::isfinite(q)) return FixedPoint{};
    // at c = 1 the map returns 1 up to rounding; the iterate is kept within [-1, 1]
    return iterate(
        [&](double c) { return std::fmin(1.0, std::fmax(-1.0, correlation_map(a, sw2, sb2, q, q, c))); }, 0.0,
        1e-10, false, max_iter);
}

double depth_scale(double chi) {
    if (!(chi > 0) || !std::isfinite(chi)) return std::numeric_limits<double>::quiet_NaN();
    // within rounding of 1 (a linear map's slope sums to 1 - 1e-16): no decay, not a depth of 1e15
    if (chi >= 1.0 - 1e-12) return std::numeric_limits<double>::infinity();
    return -1.0 / std::log(chi);
}

MeanFieldPoint mean_field_point(Activation a, double sw2, double sb2) {
    MeanFieldPoint p;
    p.sw2 = sw2;
    p.sb2 = sb2;
    p.q = q_star(a, sw2, sb2);
    if (!p.q.converged) return p;
    // a length that collapses to 0 gets there only geometrically: within the tolerance it is 0
    if (std::fabs(p.q.value) <= 1e-11) p.q.value = 0.0;
    const double q = p.q.value;
    p.chi1 = chi1_at(a, sw2, q);
    p.xi_q = depth_scale(length_slope_at(a, sw2, q));
    p.c = c_star(a, sw2, sb2, q);
    if (!p.c.converged) return p;
    // c* = 1 (the ordered phase): chi_c is chi_1 there (ξ_c = -1/ln chi_1)
    if (p.c.value >= 1.0 - 1e-9) p.c.value = 1.0;  // within the tolerance of the fixed point c = 1
    p.chi_c = p.c.value == 1.0 ? p.chi1 : chi_c_at(a, sw2, q, p.c.value);
    // a fixed point below 1 that the map does not contract to (chi_c >= 1: the linear map with
    // sb2 = 0 keeps every c) is no stable c*: not converged
    if (p.c.value < 1.0 && !(p.chi_c < 1.0 - 1e-12)) {
        p.c.converged = false;
        p.chi_c = std::numeric_limits<double>::quiet_NaN();
        return p;
    }
    p.xi_c = depth_scale(p.chi_c);
    return p;
}

double gradient_scale(double chi1, int L, int l) { return std::pow(chi1, L - l); }

CriticalPoint critical_sigma_w2(Activation a, double sb2) {
    CriticalPoint r;
    const auto sw2_of = [&](double q) { return 1.0 / chi1_at(a, 1.0, q); };
    const auto excess = [&](double q) { return q - sw2_of(q) * (length_map(a, 1.0, 0.0, q)) - sb2; };
    // ReLU and linear: sb2(q) = 0 for every q; critical only at sb2 = 0
    if (a == Activation::Relu || a == Activation::None) {
        if (sb2 == 0.0) {
            r.sw2 = sw2_of(1.0);
            r.q = 0.0;
            r.found = true;
        }
        return r;
    }
    double lo = 1e-10, flo = excess(lo);
    if (flo == 0.0) {
        r.q = lo;
        r.sw2 = sw2_of(lo);
        r.found = true;
        return r;
    }
    for (double hi = lo * 1.25; hi <= 1e4; hi *= 1.25) {
        const double fhi = excess(hi);
        if ((flo < 0) != (fhi < 0) || fhi == 0.0) {
            double a0 = lo, b0 = hi, fa = flo;
            for (int it = 0; it < 200; ++it) {
                const double mid = 0.5 * (a0 + b0);
                if (mid <= a0 || mid >= b0) break;
                const double fm = excess(mid);
                if ((fm < 0) == (fa < 0) && fm != 0.0) {
                    a0 = mid;
                    fa = fm;
                } else {
                    b0 = mid;
                }
            }
            r.q = 0.5 * (a0 + b0);
            r.sw2 = sw2_of(r.q);
            r.found = true;
            return r;
        }
        lo = hi;
        flo = fhi;
    }
    return r;
}

double relu_length_map(double sw2, double sb2, double q) { return sw2 * q / 2.0 + sb2; }

double relu_correlation_map(double sw2, double sb2, double q1, double q2, double c) {
    c = std::fmin(1.0, std::fmax(-1.0, c));
    const double k = std::sqrt(q1 * q2) * (std::sqrt(1.0 - c * c) + (M_PI - std::acos(c)) * c) / (2.0 * M_PI);
    return (sw2 * k + sb2) / std::sqrt(relu_length_map(sw2, sb2, q1) * relu_length_map(sw2, sb2, q2));
}

double relu_chi_c(double sw2, double c) {
    return sw2 * (M_PI - std::acos(std::fmin(1.0, std::fmax(-1.0, c)))) / (2.0 * M_PI);
}

}  // namespace wi
