// linear.cu - the linear layer on the GPU, twin of src/nn/linear.cpp:
//   forward           y (B,out) = x (B,in) W^T + b       W is (out,in) row-major, PyTorch's layout
//   backward_input    dx (B,in) = dy (B,out) W
//   backward_weights  dW (out,in) = dy^T x,  db (out) = sum over rows of dy
// Each in ggml's three layers: __global__ kernel -> launcher (grid arithmetic) -> entry (shape
// checks). No shared memory and no atomics: results do not depend on scheduling. These are the
// per-layer path (any shape) and the twins the tests check; small models take mlp_step.cu.
#include "layers.cuh"
#include "wi_cuda.h"

namespace wi_cuda {

// One warp per output y[n,o]: the lanes stride the dot product over i (coalesced reads of row n
// of x and row o of W), then a butterfly sum. The CPU sums left to right; the order differs,
// the tests allow for it.
__global__ void linear_forward_kernel(float* y, const float* x, const float* W, const float* b, int B, int in,
                                      int out, const int* halt) {
    if (halt != nullptr && *halt) return;
    const int lane = threadIdx.x % 32;
    const long warps = static_cast<long>(gridDim.x) * blockDim.x / 32;
    const long total = static_cast<long>(B) * out;
    // w is the same for the 32 lanes of a warp, so a warp leaves the loop as a whole
    for (long w = (static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x) / 32; w < total; w += warps) {
        const long n = w / out;
        const int o = static_cast<int>(w - n * out);
        const float* xn = x + n * in;
        const float* wo = W + static_cast<long>(o) * in;
        float acc = 0.0f;
        for (int i = lane; i < in; i += 32) acc += xn[i] * wo[i];  // y[n,o] = b[o] + sum_i x[n,i] W[o,i]
        acc = warp_sum(acc);
        if (lane == 0) y[n * out + o] = b[o] + acc;
    }
}

// One thread per dx[n,i]; neighbouring threads read neighbouring columns of W.
__global__ void linear_backward_input_kernel(float* dx, const float* dy, const float* W, int B, int in, int out,
                                             const int* halt) {
    if (halt != nullptr && *halt) return;
    const long total = static_cast<long>(B) * in;
    for (long t = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x; t < total;
         t += static_cast<long>(gridDim.x) * blockDim.x) {
        const long n = t / in;
        const int i = static_cast<int>(t - n * in);
        const float* dyn = dy + n * out;
        float acc = 0.0f;
        for (int o = 0; o < out; ++o) acc += dyn[o] * W[static_cast<long>(o) * in + i];  // dx[n,i] = sum_o dy[n,o] W[o,i]
        dx[t] = acc;
    }
}

// Threads 0 .. out*in-1: one dW[o,i] each, summed over the rows in order as the CPU does;
// threads out*in .. out*in+out-1: one db[o] each.
__global__ void linear_backward_weights_kernel(float* dW, float* db, const float* dy, const float* x, int B, int in,
                                               int out, const int* halt) {
    if (halt != nullptr && *halt) return;
    const long weights = static_cast<long>(out) * in;
    for (long t = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x; t < weights + out;
         t += static_cast<long>(gridDim.x) * blockDim.x) {
        if (t < weights) {
            const int o = static_cast<int>(t / in);
            const long i = t - static_cast<long>(o) * in;
            float acc = 0.0f;
            for (int n = 0; n < B; ++n) acc += dy[static_cast<long>(n) * out + o] * x[static_cast<long>(n) * in + i];  // dW[o,i] = sum_n dy[n,o] x[n,i]
            dW[t] = acc;
        } else {
            const int o = static_cast<int>(t - weights);
            float acc = 0.0f;
            for (int n = 0; n < B; ++n) acc += dy[static_cast<long>(n) * out + o];  // db[o] = sum_n dy[n,o]
            db[o] = acc;
        }
    }
}

int launch_linear_forward(float* y, const float* x, const float* W, const float* b, int B, int in, int out,
                          cudaStream_t stream, const int* halt) {
    linear_forward_kernel<<<blocks_for(static_cast<long>(B) * out * 32), kThreads, 0, stream>>>(y, x, W, b, B, in, out,
                                                                                                halt);
    WI_CUDA_LAUNCHED("linear_forward_kernel");
    return 0;
}

int launch_linear_backward_input(float* dx, const float* dy, const float* W, int B, int in, int out,
                                 cudaStream_t stream, const int* halt) {
    linear_backward_input_kernel<<<blocks_for(static_cast<long>(B) * in), kThreads, 0, stream>>>(dx, dy, W, B, in, out,
                                                                                                 halt);
    WI_CUDA_LAUNCHED("linear_backward_input_kernel");
    return 0;
}

int launch_linear_backward_weights(float* dW, float* db, const float* dy, const float* x, int B, int in, int out,
                                   cudaStream_t stream, const int* halt) {
    linear_backward_weights_kernel<<<blocks_for(static_cast<long>(out) * in + out), kThreads, 0, stream>>>(
        dW, db, dy, x, B, in, out, halt);
    WI_CUDA_LAUNCHED("linear_backward_weights_kernel");
    return 0;
}

}  // namespace wi_cuda

using namespace wi_cuda;

extern "C" int wi_cuda_linear_forward(float* y, const float* x, const float* W, const float* b, int B, int in,
                                      int out) {
    WI_CUDA_REQUIRE(B > 0 && in > 0 && out > 0, "wi_cuda_linear_forward: sizes must be positive");
    WI_CUDA_REQUIRE(y && x && W && b, "wi_cuda_linear_forward: null pointer");
    return launch_linear_forward(y, x, W, b, B, in, out, 0, nullptr);
}

extern "C" int wi_cuda_linear_backward_input(float* dx, const float* dy, const float* W, int B, int in, int out) {
    WI_CUDA_REQUIRE(B > 0 && in > 0 && out > 0, "wi_cuda_linear_backward_input: sizes must be positive");
    WI_CUDA_REQUIRE(dx && dy && W, "wi_cuda_linear_backward_input: null pointer");
    return launch_linear_backward_input(dx, dy, W, B, in, out, 0, nullptr);
}

extern "C" int wi_cuda_linear_backward_weights(float* dW, float* db, const float* dy, const float* x, int B, int in,
                                               int out) {
    WI_CUDA_REQUIRE(B > 0 && in > 0 && out > 0, "wi_cuda_linear_backward_weights: sizes must be positive");
    WI_CUDA_REQUIRE(dW && db && dy && x, "wi_cuda_linear_backward_weights: null pointer");
    return launch_linear_backward_weights(dW, db, dy, x, B, in, out, 0, nullptr);
}
