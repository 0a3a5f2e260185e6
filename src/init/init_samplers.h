// init_samplers.h - the random fills the initializers are made of, on our own generator.
//
// Each fills a weight tensor W of shape (rows, cols) = (out, in). Sampling is done in double
// and rounded to float once, so the law is the formula's, not float arithmetic's.
#pragma once
#include "../core/rng.h"
#include "../core/tensor.h"

namespace wi {

// A draw rounded to float32; one beyond float32's range becomes +-inf (a plain cast would be
// undefined there), which the trainer then reports as a non-finite parameter before training.
float to_float32(double x);

void fill_uniform(Tensor& t, Rng& rng, double lo, double hi);
void fill_normal(Tensor& t, Rng& rng, double mean, double std);

// N(mean, std) restricted to [a, b] (absolute bounds), as torch.nn.init.trunc_normal_:
// u ~ U(Phi(alpha), Phi(beta)), x = mean + std * Phi^-1(u), clamped to [a, b].
void fill_trunc_normal(Tensor& t, Rng& rng, double mean, double std, double a, double b);

// torch.nn.init.orthogonal_: fill N(0,1), transpose if rows < cols, QR, Q times sign(diag R),
// transpose back, times gain. Rows are orthonormal (W W^T = gain^2 I) when rows <= cols,
// columns (W^T W = gain^2 I) when rows >= cols. QR by modified Gram-Schmidt, twice, in double.
void fill_orthogonal(Tensor& t, Rng& rng, double gain);

// torch.nn.init.sparse_: N(0, std) everywhere, then in every column ceil(sparsity * rows)
// distinct random rows set to zero.
void fill_sparse(Tensor& t, Rng& rng, double sparsity, double std);

// Standard normal CDF and its inverse (Acklam's rational approximation refined by one Halley
// step: about 1e-15 absolute).
double normal_cdf(double x);
double normal_quantile(double p);

}  // namespace wi
