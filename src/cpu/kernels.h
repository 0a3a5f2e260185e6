// kernels.h - the SIMD twins of the reference layer loops, one table per instruction set.
//
// Each entry is a twin of a function in src/nn/linear.cpp and is tested against it. The
// vector code is written once (simd_kernels.inc) and compiled twice: with -mavx2 -mfma and
// with -mavx512f, so the binary still runs on a CPU that has neither (backend.cpp asks the CPU).
#pragma once

namespace wi {

struct CpuKernels {
    const char* name;  // "avx2" or "avx512"
    // y (B,out) = x (B,in) W^T + b                                   twin of linear_forward
    void (*linear_forward)(float* y, const float* x, const float* W, const float* b, int B, int in, int out);
    // dx (B,in) = dy (B,out) W (out,in)                              the dx part of linear_backward
    void (*linear_backward_input)(float* dx, const float* dy, const float* W, int B, int in, int out);
    // dW (out,in) = dy^T x, db = sum_n dy                            the dW, db part of linear_backward
    void (*linear_backward_weights)(float* dW, float* db, const float* dy, const float* x, int B, int in, int out);
    // W -= lr dy^T x, b -= lr sum_n dy: the weight gradient fused into SGD, dW never stored
    void (*linear_sgd_fused)(float* W, float* b, const float* dy, const float* x, int B, int in, int out, float lr);
    // linear_sgd_fused, then yn (Bn,out) = xn (Bn,in) W^T + b with the updated W and b: the
    // first layer's update and the next batch's forward product in one pass over W
    void (*linear_sgd_fused_forward)(float* W, float* b, const float* dy, const float* x, int B, int in, int out,
                                     float lr, float* yn, const float* xn, int Bn);
    // x (n) = p * (2/255) - 1: the notebook's normalization of n pixels    twin of normalize_batch's table
    void (*normalize_pixels)(float* x, const unsigned char* p, int n);
    // For benchmarks: `iterations` rounds of independent vector FMAs, nothing but the FMA units
    // busy. Returns the floating-point operations done (2 per lane per FMA).
    double (*fma_loop)(long iterations, float* sink);
};

const CpuKernels& cpu_kernels_avx2();
const CpuKernels& cpu_kernels_avx512();

}  // namespace wi
