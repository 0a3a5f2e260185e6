// common.cuh - what every kernel file shares: failures recorded with file and line, the check
// after every launch, grid arithmetic, and the activations as device code (the twins of
// src/nn/activation.cpp, written with the same formulas so the two round alike).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace wi_cuda {

// Records "file:line: what: <CUDA's message>" as the calling thread's last error (wi_cuda_error)
// and returns -1, so an entry can `return fail(...)`. fail_msg with a null file keeps msg as it is.
int fail(const char* file, int line, const char* what, cudaError_t err);
int fail_msg(const char* file, int line, const char* msg);

// A CUDA call that must succeed.
#define WI_CUDA_TRY(call)                                                                   \
    do {                                                                                    \
        const cudaError_t wi_e_ = (call);                                                   \
        if (wi_e_ != cudaSuccess) return ::wi_cuda::fail(__FILE__, __LINE__, #call, wi_e_); \
    } while (0)

// After every kernel launch: a bad configuration (too many threads, too much shared memory,
// no kernel image for this GPU) shows up here, at its own launch, not at a later synchronization.
#define WI_CUDA_LAUNCHED(name)                                                                      \
    do {                                                                                            \
        const cudaError_t wi_e_ = cudaGetLastError();                                               \
        if (wi_e_ != cudaSuccess) return ::wi_cuda::fail(__FILE__, __LINE__, "launch of " name, wi_e_); \
    } while (0)

// A shape or argument check in an entry point.
#define WI_CUDA_REQUIRE(cond, msg)                                                        \
    do {                                                                                  \
        if (!(cond)) return ::wi_cuda::fail_msg(__FILE__, __LINE__, msg " (" #cond ")"); \
    } while (0)

// Propagates a launcher's failure (the message is already recorded).
#define WI_CUDA_OK(expr)              \
    do {                              \
        if ((expr) != 0) return -1;   \
    } while (0)

constexpr int kThreads = 256;      // threads per block of the per-layer and elementwise kernels
constexpr long kMaxBlocks = 1L << 30;  // far below the 2^31 - 1 blocks grid.x allows

// Blocks of `threads` covering `n` work items (at least one).
inline unsigned blocks_for(long n, int threads = kThreads) {
    long b = (n + threads - 1) / threads;
    if (b < 1) b = 1;
    return static_cast<unsigned>(b < kMaxBlocks ? b : kMaxBlocks);
}

// The control block of a run's steps, in device memory. Kernels of a captured step read it to
// find their step and to stop: `halt` is set at the start of every step that follows a step
// whose loss was not finite, and every kernel of the step then returns at once.
struct StepCtl {
    int next;     // the step the next captured step will run
    int cur;      // the step running now
    int halt;     // 1: this step is not run
    int stop_at;  // the first step whose loss was not finite, or -1
};

// The activations (codes as WI_ACT_*), same formulas as src/nn/activation.cpp.
__device__ __forceinline__ float act_forward(float z, int act) {
    switch (act) {
        case 1: return 1.0f / (1.0f + expf(-z));  // sigmoid
        case 2: return tanhf(z);
        case 3: return z > 0.0f ? z : 0.0f;       // relu
        default: return z;                        // none
    }
}

// dz = da * f'(z) with a = f(z): sigmoid' = a (1 - a), tanh' = 1 - a^2, relu' = [z > 0], none' = 1
__device__ __forceinline__ float act_backward(float da, float z, float a, int act) {
    switch (act) {
        case 1: return da * a * (1.0f - a);
        case 2: return da * (1.0f - a * a);
        case 3: return z > 0.0f ? da : 0.0f;
        default: return da;
    }
}

// Sum over the 32 lanes of a warp, every lane receiving it (a fixed butterfly: deterministic).
__device__ __forceinline__ float warp_sum(float v) {
    for (int off = 16; off > 0; off /= 2) v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
}

}  // namespace wi_cuda
