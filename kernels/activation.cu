// activation.cu - the elementwise nonlinearities on the GPU, twin of src/nn/activation.cpp
// (the formulas themselves are in common.cuh, shared with the fused step). One thread per
// element, grid-stride; kernel -> launcher -> entry.
#include "layers.cuh"
#include "wi_cuda.h"

namespace wi_cuda {

__global__ void activation_forward_kernel(float* a, const float* z, long n, int act, const int* halt) {
    if (halt != nullptr && *halt) return;
    for (long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<long>(gridDim.x) * blockDim.x)
        a[i] = act_forward(z[i], act);  // a = f(z)
}

__global__ void activation_backward_kernel(float* dz, const float* da, const float* z, const float* a, long n, int act,
                                           const int* halt) {
    if (halt != nullptr && *halt) return;
    for (long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<long>(gridDim.x) * blockDim.x)
        dz[i] = act_backward(da[i], z[i], a[i], act);  // dz = da * f'(z); in place when dz == da
}

int launch_activation_forward(float* a, const float* z, long n, int act, cudaStream_t stream, const int* halt) {
    activation_forward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(a, z, n, act, halt);
    WI_CUDA_LAUNCHED("activation_forward_kernel");
    return 0;
}

int launch_activation_backward(float* dz, const float* da, const float* z, const float* a, long n, int act,
                               cudaStream_t stream, const int* halt) {
    activation_backward_kernel<<<blocks_for(n), kThreads, 0, stream>>>(dz, da, z, a, n, act, halt);
    WI_CUDA_LAUNCHED("activation_backward_kernel");
    return 0;
}

}  // namespace wi_cuda

using namespace wi_cuda;

extern "C" int wi_cuda_activation_forward(float* a, const float* z, int n, int act) {
    WI_CUDA_REQUIRE(n > 0, "wi_cuda_activation_forward: n must be positive");
    WI_CUDA_REQUIRE(act >= WI_ACT_NONE && act <= WI_ACT_RELU, "wi_cuda_activation_forward: unknown activation");
    WI_CUDA_REQUIRE(a && z, "wi_cuda_activation_forward: null pointer");
    return launch_activation_forward(a, z, n, act, 0, nullptr);
}

extern "C" int wi_cuda_activation_backward(float* dz, const float* da, const float* z, const float* a, int n, int act) {
    WI_CUDA_REQUIRE(n > 0, "wi_cuda_activation_backward: n must be positive");
    WI_CUDA_REQUIRE(act >= WI_ACT_NONE && act <= WI_ACT_RELU, "wi_cuda_activation_backward: unknown activation");
    WI_CUDA_REQUIRE(dz && da && z && a, "wi_cuda_activation_backward: null pointer");
    return launch_activation_backward(dz, da, z, a, n, act, 0, nullptr);
}
