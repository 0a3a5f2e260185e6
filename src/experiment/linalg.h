// linalg.h - the little dense linear algebra the experiments need, in double: matrix products
// and singular values (one-sided Jacobi). Matrices are row-major, (rows, cols).
#pragma once
#include <vector>

namespace wi {

struct Matrix {
    int rows = 0, cols = 0;
    std::vector<double> v;  // rows x cols, row-major
    double at(int r, int c) const { return v[static_cast<std::size_t>(r) * cols + c]; }
};

// C (a.rows, b.cols) = a b; a.cols must equal b.rows (else std::invalid_argument).
Matrix matmul(const Matrix& a, const Matrix& b);

// The singular values of a, largest first: min(rows, cols) of them.
//
// One-sided Jacobi (Hestenes 1958): rotate pairs of rows of a (of its transpose, when it has
// more rows than columns) until every pair is orthogonal; the singular values are then the
// rows' norms. Each rotation is the symmetric Jacobi step that zeroes one off-diagonal entry
// of the Gram matrix a a^T, applied without forming it, so small singular values keep their
// relative accuracy instead of being squared below the rounding of the large ones.
std::vector<double> singular_values(const Matrix& a);

}  // namespace wi
