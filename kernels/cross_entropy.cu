// cross_entropy.cu - softmax cross-entropy on the GPU, twin of src/nn/cross_entropy.cpp:
//   forward   row_loss[n] = logsumexp(z[n]) - z[n][y[n]],  row_hit[n] = (argmax z[n] == y[n])
//   backward  dlogits = (softmax(z) - onehot(y)) / B
//   record    the step's mean loss (double sum in row order, as the CPU) and correct count
// One thread per row: C is 10 here, and the rows are few. Same formulas and order of operations
// as the CPU (max subtracted, expf, the first maximum wins the argmax). Kernel -> launcher -> entry.
#include <cmath>

#include "layers.cuh"
#include "wi_cuda.h"

namespace wi_cuda {

// The first index of the largest entry (ties and NaN handled as the CPU's argmax).
__device__ __forceinline__ int argmax_row(const float* z, int C) {
    int best = 0;
    for (int c = 1; c < C; ++c)
        if (z[c] > z[best]) best = c;
    return best;
}

__global__ void cross_entropy_forward_kernel(float* row_loss, int* row_hit, const float* logits, const std::uint8_t* y,
                                             int B, int C, const int* halt) {
    if (halt != nullptr && *halt) return;
    for (int n = blockIdx.x * blockDim.x + threadIdx.x; n < B; n += gridDim.x * blockDim.x) {
        const float* z = logits + static_cast<long>(n) * C;
        const int best = argmax_row(z, C);
        const float m = z[best];
        float sum = 0.0f;
        for (int c = 0; c < C; ++c) sum += expf(z[c] - m);
        row_loss[n] = logf(sum) - (z[y[n]] - m);  // -log softmax(z)[y], m never added back (as the CPU)
        row_hit[n] = best == y[n];
    }
}

__global__ void cross_entropy_backward_kernel(float* dlogits, const float* logits, const std::uint8_t* y, int B, int C,
                                              const int* halt) {
    if (halt != nullptr && *halt) return;
    const float inv_b = 1.0f / static_cast<float>(B);
    for (int n = blockIdx.x * blockDim.x + threadIdx.x; n < B; n += gridDim.x * blockDim.x) {
        const float* z = logits + static_cast<long>(n) * C;
        float* dz = dlogits + static_cast<long>(n) * C;
        const float m = z[argmax_row(z, C)];
        float sum = 0.0f;
        for (int c = 0; c < C; ++c) {
            dz[c] = expf(z[c] - m);
            sum += dz[c];
        }
        for (int c = 0; c < C; ++c) dz[c] = (dz[c] / sum - (c == y[n] ? 1.0f : 0.0f)) * inv_b;  // (softmax - onehot) / B
    }
}

__global__ void record_step_kernel(StepCtl* ctl, float* loss, int* correct, const float* row_loss, const int* row_hit,
                                   int B) {
    if (ctl->halt) return;
    double total = 0.0;
    int hits = 0;
    for (int n = 0; n < B; ++n) {
        total += static_cast<double>(row_loss[n]);
        hits += row_hit[n];
    }
    const float mean = static_cast<float>(total / B);
    loss[ctl->cur] = mean;
    correct[ctl->cur] = hits;
    if (!isfinite(mean) && ctl->stop_at < 0) ctl->stop_at = ctl->cur;  // this step completes; the next ones halt
}

int launch_cross_entropy_forward(float* row_loss, int* row_hit, const float* logits, const std::uint8_t* y, int B,
                                 int C, cudaStream_t stream, const int* halt) {
    cross_entropy_forward_kernel<<<blocks_for(B, 64), 64, 0, stream>>>(row_loss, row_hit, logits, y, B, C, halt);
    WI_CUDA_LAUNCHED("cross_entropy_forward_kernel");
    return 0;
}

int launch_cross_entropy_backward(float* dlogits, const float* logits, const std::uint8_t* y, int B, int C,
                                  cudaStream_t stream, const int* halt) {
    cross_entropy_backward_kernel<<<blocks_for(B, 64), 64, 0, stream>>>(dlogits, logits, y, B, C, halt);
    WI_CUDA_LAUNCHED("cross_entropy_backward_kernel");
    return 0;
}

int launch_record_step(StepCtl* ctl, float* loss, int* correct, const float* row_loss, const int* row_hit, int B,
                       cudaStream_t stream) {
    record_step_kernel<<<1, 1, 0, stream>>>(ctl, loss, correct, row_loss, row_hit, B);
    WI_CUDA_LAUNCHED("record_step_kernel");
    return 0;
}

}  // namespace wi_cuda

using namespace wi_cuda;

extern "C" int wi_cuda_cross_entropy_forward(float* row_loss, int* row_hit, const float* logits, const unsigned char* y,
                                             int B, int C) {
    WI_CUDA_REQUIRE(B > 0 && C > 0 && C <= 256, "wi_cuda_cross_entropy_forward: bad sizes");
    WI_CUDA_REQUIRE(row_loss && row_hit && logits && y, "wi_cuda_cross_entropy_forward: null pointer");
    return launch_cross_entropy_forward(row_loss, row_hit, logits, y, B, C, 0, nullptr);
}

extern "C" int wi_cuda_cross_entropy_backward(float* dlogits, const float* logits, const unsigned char* y, int B,
                                              int C) {
    WI_CUDA_REQUIRE(B > 0 && C > 0 && C <= 256, "wi_cuda_cross_entropy_backward: bad sizes");
    WI_CUDA_REQUIRE(dlogits && logits && y, "wi_cuda_cross_entropy_backward: null pointer");
    return launch_cross_entropy_backward(dlogits, logits, y, B, C, 0, nullptr);
}
