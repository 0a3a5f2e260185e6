// quadrature.h - Gauss-Hermite quadrature for the standard Gaussian measure Dz.
//
// The probabilists' rule: E[f(z)], z ~ N(0, 1), is approximated by sum_i w_i f(x_i), with the
// n nodes x_i the roots of He_n and weights summing to 1. It is exact for polynomials of degree
// up to 2n - 1 and converges fast for smooth f (tanh, sigmoid); for a kink (ReLU) it converges
// slowly, which the tests measure against the closed forms.
#pragma once
#include <vector>

namespace wi {

struct GaussHermite {
    std::vector<double> x;  // nodes, ascending
    std::vector<double> w;  // weights, sum 1
};

// The n-node rule (2 <= n <= 400), computed once per n: the roots of the orthonormal Hermite
// function of degree n, bracketed by sign changes on a fine grid and refined by Newton steps,
// weights from its derivative. Throws wi::Error if n is out of range or a root is missed.
const GaussHermite& gauss_hermite(int n);

// The rule the theory uses (100 nodes, as THEORY.md asks for smooth activations).
constexpr int kQuadratureNodes = 100;

}  // namespace wi
