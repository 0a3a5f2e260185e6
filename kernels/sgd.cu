// sgd.cu - the SGD update on the GPU, twin of src/nn/sgd.cpp: p <- p - lr g. A run keeps all
// of its parameters in one buffer and their gradients in another of the same layout, so one
// launch updates every layer. Grid-stride, one element per thread; kernel -> launcher -> entry.
#include "layers.cuh"
#include "wi_cuda.h"

namespace wi_cuda {

__global__ void sgd_kernel(float* p, const float* g, long n, float lr, const int* halt) {
    if (halt != nullptr && *halt) return;
    for (long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<long>(gridDim.x) * blockDim.x)
        p[i] -= lr * g[i];
}

int launch_sgd(float* p, const float* g, long n, float lr, cudaStream_t stream, const int* halt) {
    sgd_kernel<<<blocks_for(n), kThreads, 0, stream>>>(p, g, n, lr, halt);
    WI_CUDA_LAUNCHED("sgd_kernel");
    return 0;
}

}  // namespace wi_cuda

extern "C" int wi_cuda_sgd(float* p, const float* g, size_t n, float lr) {
    WI_CUDA_REQUIRE(n > 0, "wi_cuda_sgd: n must be positive");
    WI_CUDA_REQUIRE(p && g, "wi_cuda_sgd: null pointer");
    return wi_cuda::launch_sgd(p, g, static_cast<long>(n), lr, 0, nullptr);
}
