// linear_avx2.cpp - the SIMD twins for AVX2 + FMA (8 floats a vector). Compiled with -mavx2 -mfma.
#include <immintrin.h>

#include "kernels.h"

#define WI_VEC 8
#define WI_TILE_ROWS 2
#define WI_SET1 _mm256_set1_ps
#define WI_NS avx2
#include "simd_kernels.inc"

namespace wi {
const CpuKernels& cpu_kernels_avx2() {
    static const CpuKernels k = {"avx2", avx2::linear_forward, avx2::linear_backward_input,
                                 avx2::linear_backward_weights, avx2::linear_sgd_fused,
                                 avx2::linear_sgd_fused_forward, avx2::normalize_pixels,
                                 avx2::fma_loop};
    return k;
}
}  // namespace wi
