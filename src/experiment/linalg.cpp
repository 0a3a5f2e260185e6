#include "linalg.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace wi {

namespace {
constexpr int kMaxSweeps = 60;  // cyclic Jacobi converges quadratically; 60 sweeps is far beyond need
constexpr double kOrthogonal = 1e-15;  // a pair counts as orthogonal when |<u,v>| <= this * |u| |v|
}  // namespace

Matrix matmul(const Matrix& a, const Matrix& b) {
    if (a.cols != b.rows) throw std::invalid_argument("matmul: inner sizes differ");
    Matrix c{a.rows, b.cols, std::vector<double>(static_cast<std::size_t>(a.rows) * b.cols, 0.0)};
    for (int i = 0; i < a.rows; ++i)
        for (int k = 0; k < a.cols; ++k) {
            const double aik = a.at(i, k);
            if (aik == 0.0) continue;
            const double* brow = &b.v[static_cast<std::size_t>(k) * b.cols];
            double* crow = &c.v[static_cast<std::size_t>(i) * c.cols];
            for (int j = 0; j < b.cols; ++j) crow[j] += aik * brow[j];  // c[i,:] += a[i,k] b[k,:]
        }
    return c;
}

std::vector<double> singular_values(const Matrix& a) {
    // Work on the n short vectors of length len: the rows of a, or its columns when those are fewer.
    const bool by_rows = a.rows <= a.cols;
    const int n = by_rows ? a.rows : a.cols, len = by_rows ? a.cols : a.rows;
    std::vector<double> u(static_cast<std::size_t>(n) * len);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < len; ++k) u[static_cast<std::size_t>(i) * len + k] = by_rows ? a.at(i, k) : a.at(k, i);
    auto row = [&](int i) { return &u[static_cast<std::size_t>(i) * len]; };
    for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
        bool rotated = false;
        for (int p = 0; p < n; ++p)
            for (int q = p + 1; q < n; ++q) {
                double* x = row(p);
                double* y = row(q);
                double alpha = 0, beta = 0, gamma = 0;  // the Gram entries G_pp, G_qq, G_pq
                for (int k = 0; k < len; ++k) alpha += x[k] * x[k], beta += y[k] * y[k], gamma += x[k] * y[k];
                if (gamma == 0.0 || std::abs(gamma) <= kOrthogonal * std::sqrt(alpha * beta)) continue;
                rotated = true;
                // The rotation (c, s) that zeroes G_pq: tan(2 theta) = 2 G_pq / (G_qq - G_pp), the smaller root.
                const double zeta = (beta - alpha) / (2.0 * gamma);
                const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::sqrt(1.0 + zeta * zeta));
                const double c = 1.0 / std::sqrt(1.0 + t * t), s = c * t;
                for (int k = 0; k < len; ++k) {
                    const double xk = x[k], yk = y[k];
                    x[k] = c * xk - s * yk;
                    y[k] = s * xk + c * yk;
                }
            }
        if (!rotated) break;
    }
    std::vector<double> sv(n);
    for (int i = 0; i < n; ++i) {
        double sq = 0;
        for (int k = 0; k < len; ++k) sq += row(i)[k] * row(i)[k];
        sv[i] = std::sqrt(sq);
    }
    std::sort(sv.begin(), sv.end(), [](double x, double y) { return x > y; });
    return sv;
}

}  // namespace wi
