// linear_avx512.cpp - the SIMD twins for AVX-512F (16 floats a vector). Compiled with -mavx512f -mfma.
#include <immintrin.h>

#include "kernels.h"

#define WI_VEC 16
#define WI_TILE_ROWS 4
#define WI_SET1 _mm512_set1_ps
#define WI_NS avx512
#include "simd_kernels.inc"

namespace wi {
const CpuKernels& cpu_kernels_avx512() {
    static const CpuKernels k = {"avx512", avx512::linear_forward, avx512::linear_backward_input,
                                 avx512::linear_backward_weights, avx512::linear_sgd_fused,
                                 avx512::linear_sgd_fused_forward, avx512::normalize_pixels,
                                 avx512::fma_loop};
    return k;
}
}  // namespace wi
