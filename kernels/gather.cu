// gather.cu - a batch from the data set on the device: the images the epoch's order names,
// normalized through the 256-entry table the CPU's normalize_batch uses (src/data/mnist.cpp), so
// the two paths see the same floats. The data set stays on the device as uint8 (uploaded once);
// only this batch becomes float. One thread per pixel, grid-stride; kernel -> launcher -> entry.
#include "layers.cuh"
#include "wi_cuda.h"

namespace wi_cuda {

// x (B,P) = table[pixels[idx[n] * P + i]]; y[n] = labels[idx[n]]. In a captured step the
// indices start at order + ctl->cur * stride, read on the device when the step runs.
__global__ void gather_kernel(float* x, std::uint8_t* y, const std::uint8_t* pixels, const std::uint8_t* labels,
                              const int* order, const StepCtl* ctl, int stride, int B, int P, const float* table) {
    if (ctl != nullptr && ctl->halt) return;
    const int* idx = ctl != nullptr ? order + static_cast<long>(ctl->cur) * stride : order;
    const long total = static_cast<long>(B) * P;
    for (long t = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x; t < total;
         t += static_cast<long>(gridDim.x) * blockDim.x) {
        const long n = t / P;
        const long i = t - n * P;
        const long image = idx[n];
        x[t] = table[pixels[image * P + i]];  // (p/255 - 0.5) / 0.5, as torchvision computes it
        if (i == 0 && y != nullptr) y[n] = labels[image];
    }
}

int launch_gather(float* x, std::uint8_t* y, const std::uint8_t* pixels, const std::uint8_t* labels, const int* order,
                  const StepCtl* ctl, int stride, int B, int P, const float* table, cudaStream_t stream) {
    gather_kernel<<<blocks_for(static_cast<long>(B) * P), kThreads, 0, stream>>>(x, y, pixels, labels, order, ctl,
                                                                                 stride, B, P, table);
    WI_CUDA_LAUNCHED("gather_kernel");
    return 0;
}

}  // namespace wi_cuda

extern "C" int wi_cuda_gather(float* x, const unsigned char* pixels, const int* idx, int B, int P, const float* table) {
    WI_CUDA_REQUIRE(B > 0 && P > 0, "wi_cuda_gather: sizes must be positive");
    WI_CUDA_REQUIRE(x && pixels && idx && table, "wi_cuda_gather: null pointer");
    return wi_cuda::launch_gather(x, nullptr, pixels, nullptr, idx, nullptr, 0, B, P, table, 0);
}
