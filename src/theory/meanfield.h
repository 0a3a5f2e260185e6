// meanfield.h - mean-field signal propagation through a deep random network (Poole et al. 2016,
// "Exponential expressivity in deep neural networks through transient chaos", sections 2-3;
// Schoenholz et al. 2017, "Deep information propagation", sections 2-3).
//
// Convention (fan_in): W^l_ij ~ N(0, sw2 / N_{l-1}), b^l_i ~ N(0, sb2), z^l = W^l phi(z^{l-1}) + b^l.
// All expectations over the standard Gaussian by Gauss-Hermite quadrature (quadrature.h), 1-D and
// the 2-D tensor rule. A fixed point is found by iterating its map; a result that did not settle
// within the iteration cap says so (converged = false) and its value must not be shown.
#pragma once
#include <limits>

#include "../nn/activation.h"

namespace wi {

// phi, phi', phi'' in double (relu'(0) = 0, relu'' = 0, none: z, 1, 0).
double mf_phi(Activation a, double z);
double mf_dphi(Activation a, double z);
double mf_ddphi(Activation a, double z);

// q^l from q^{l-1}: sw2 E[phi(sqrt(q) z)^2] + sb2.
double length_map(Activation a, double sw2, double sb2, double q);
// c^l from c^{l-1} for two inputs of lengths q1, q2: the covariance map over their new lengths.
double correlation_map(Activation a, double sw2, double sb2, double q1, double q2, double c);
// The same by the 2-D quadrature alone (correlation_map uses ReLU's closed form instead).
double correlation_map_quadrature(Activation a, double sw2, double sb2, double q1, double q2, double c);
// chi_1 = sw2 E[phi'(sqrt(q) z)^2].
double chi1_at(Activation a, double sw2, double q);
// chi_c = sw2 E[phi'(u1) phi'(u2)] at lengths q, q and correlation c (chi_1 at c = 1).
double chi_c_at(Activation a, double sw2, double q, double c);
double chi_c_quadrature(Activation a, double sw2, double q, double c);
// d q^l / d q^{l-1} = chi_1 + sw2 E[phi''(sqrt(q) z) phi(sqrt(q) z)].
double length_slope_at(Activation a, double sw2, double q);

struct FixedPoint {
    double value = std::numeric_limits<double>::quiet_NaN();
    bool converged = false;
    int iterations = 0;
};

// The fixed point of the length map from q0 = 1: converged when the distance to the limit,
// estimated from two successive steps (|d_k| r / (1 - r), r = d_k / d_{k-1}), is under 1e-12
// relative; not converged past max_iter steps or when q grows without bound.
FixedPoint q_star(Activation a, double sw2, double sb2, int max_iter = 100000);
// The stable fixed point of the correlation map at length q, iterated from c0 = 0; same test
// (absolute 1e-10). q must be positive (c is undefined for q = 0: not converged).
FixedPoint c_star(Activation a, double sw2, double sb2, double q, int max_iter = 10000);

// Depth scale -1/ln(chi) for a rate chi in (0, 1); +infinity at chi >= 1 - 1e-12 (no decay).
double depth_scale(double chi);

// Everything about one (sw2, sb2): NaN where not defined (q* or c* not converged; a c* < 1 with
// chi_c >= 1 is no stable fixed point and counts as not converged).
struct MeanFieldPoint {
    double sw2 = 0, sb2 = 0;
    FixedPoint q, c;
    double chi1 = std::numeric_limits<double>::quiet_NaN();
    double chi_c = std::numeric_limits<double>::quiet_NaN();  // at (q*, c*)
    double xi_q = std::numeric_limits<double>::quiet_NaN();
    double xi_c = std::numeric_limits<double>::quiet_NaN();   // +inf when chi_c = 1
};
MeanFieldPoint mean_field_point(Activation a, double sw2, double sb2);

// Gradient magnitude at layer l of L relative to the last: chi1^(L - l).
double gradient_scale(double chi1, int L, int l);

// The critical line: sw2 with chi_1(q*) = 1 at this sb2. Along the line sw2(q) = 1 / E[phi'^2]
// and sb2(q) = q - sw2(q) E[phi^2]; q is found by bisection on sb2(q) = sb2 (first sign change
// on a log grid of q from 1e-10 to 1e4). found = false when no q gives this sb2 (ReLU and linear:
// only sb2 = 0, where every q is critical: sw2 = 2 and 1).
struct CriticalPoint {
    double sw2 = std::numeric_limits<double>::quiet_NaN();
    double q = std::numeric_limits<double>::quiet_NaN();
    bool found = false;
};
CriticalPoint critical_sigma_w2(Activation a, double sb2);

// Closed forms (the arc-cosine kernel of degree 1, Cho & Saul 2009), for testing the quadrature:
// relu: E[phi(sqrt(q) z)^2] = q / 2; the correlation map's E[phi(u1) phi(u2)] =
// sqrt(q1 q2) (sqrt(1 - c^2) + (pi - arccos c) c) / (2 pi).
double relu_length_map(double sw2, double sb2, double q);
double relu_correlation_map(double sw2, double sb2, double q1, double q2, double c);
// relu: sw2 E[phi'(u1) phi'(u2)] = sw2 (pi - arccos c) / (2 pi) (the degree-0 kernel).
double relu_chi_c(double sw2, double c);

}  // namespace wi
