#include "init_samplers.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <vector>

#include "../core/interrupt.h"

namespace wi {

float to_float32(double x) {
    if (std::fabs(x) > FLT_MAX) return x > 0 ? INFINITY : -INFINITY;
    return static_cast<float>(x);
}

void fill_uniform(Tensor& t, Rng& rng, double lo, double hi) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = to_float32(rng.uniform(lo, hi));
}

void fill_normal(Tensor& t, Rng& rng, double mean, double std) {
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = to_float32(rng.normal(mean, std));
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double p) {
    if (p <= 0) return -INFINITY;
    if (p >= 1) return INFINITY;
    // Acklam's coefficients for the central and tail regions
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double lo = 0.02425;
    double x;
    if (p < lo || p > 1 - lo) {
        const double q = std::sqrt(-2 * std::log(p < lo ? p : 1 - p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        if (p > 1 - lo) x = -x;
    } else {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    // one Halley step on Phi(x) - p = 0
    const double e = normal_cdf(x) - p;
    const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

void fill_trunc_normal(Tensor& t, Rng& rng, double mean, double std, double a, double b) {
    // Phi is precise near 0 (erfc of a large argument) but has no resolution near 1, so an
    // interval in the right tail is sampled as its mirror image in the left tail.
    const double alpha = (a - mean) / std, beta = (b - mean) / std;
    const bool mirror = alpha + beta > 0;
    const double lo = normal_cdf(mirror ? -beta : alpha), hi = normal_cdf(mirror ? -alpha : beta);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const double z = normal_quantile(rng.uniform(lo, hi));
        const double x = mean + std * (mirror ? -z : z);
        t.data()[i] = static_cast<float>(std::clamp(x, a, b));
    }
}

void fill_orthogonal(Tensor& t, Rng& rng, double gain) {
    const int rows = t.rows(), cols = t.cols();
    const bool transpose = rows < cols;
    const int m = transpose ? cols : rows, n = transpose ? rows : cols;  // A is (m, n), m >= n
    // A's columns, each of length m; A[j][i] = element (i, j). Filled in W's row-major order.
    std::vector<std::vector<double>> col(n, std::vector<double>(m));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) (transpose ? col[r][c] : col[c][r]) = rng.normal();
    // Modified Gram-Schmidt, each column orthogonalized twice ("twice is enough"). The
    // resulting R has a positive diagonal, which is what Q * sign(diag R) normalizes to.
    for (int j = 0; j < n; ++j) {
        if (j % 64 == 0 && interrupt_signal()) return;  // a large layer takes seconds; the caller drops the model
        for (int pass = 0; pass < 2; ++pass)
            for (int k = 0; k < j; ++k) {
                const double r = std::inner_product(col[k].begin(), col[k].end(), col[j].begin(), 0.0);
                for (int i = 0; i < m; ++i) col[j][i] -= r * col[k][i];
            }
        const double norm = std::sqrt(std::inner_product(col[j].begin(), col[j].end(), col[j].begin(), 0.0));
        for (double& v : col[j]) v /= norm;
    }
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) t.at(r, c) = static_cast<float>(gain * (transpose ? col[r][c] : col[c][r]));
}

void fill_sparse(Tensor& t, Rng& rng, double sparsity, double std) {
    const int rows = t.rows(), cols = t.cols();
    const int zeros = static_cast<int>(std::ceil(sparsity * rows));
    fill_normal(t, rng, 0.0, std);
    std::vector<int> perm(rows);
    for (int c = 0; c < cols; ++c) {
        std::iota(perm.begin(), perm.end(), 0);
        for (int k = 0; k < zeros; ++k) {  // partial Fisher-Yates: the first `zeros` of a random permutation
            const int j = k + static_cast<int>(rng.below(static_cast<std::uint64_t>(rows - k)));
            std::swap(perm[k], perm[j]);
            t.at(perm[k], c) = 0.0f;
        }
    }
}

}  // namespace wi
