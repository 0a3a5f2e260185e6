// layers.cuh - the launchers of the per-layer kernels (the middle of ggml's three layers), for
// run.cu, which strings them into a captured training step. Each enqueues its kernel on
// `stream`, checks the launch, and returns 0 or -1 (wi_cuda_error says why). `halt`, when not
// null, points at the run's StepCtl::halt: the kernel returns at once when it is set.
// The public entries with shape checks are in wi_cuda.h.
#pragma once
#include "common.cuh"

namespace wi_cuda {

int launch_linear_forward(float* y, const float* x, const float* W, const float* b, int B, int in, int out,
                          cudaStream_t stream, const int* halt);
int launch_linear_backward_input(float* dx, const float* dy, const float* W, int B, int in, int out,
                                 cudaStream_t stream, const int* halt);
int launch_linear_backward_weights(float* dW, float* db, const float* dy, const float* x, int B, int in, int out,
                                   cudaStream_t stream, const int* halt);
int launch_activation_forward(float* a, const float* z, long n, int act, cudaStream_t stream, const int* halt);
int launch_activation_backward(float* dz, const float* da, const float* z, const float* a, long n, int act,
                               cudaStream_t stream, const int* halt);
int launch_cross_entropy_forward(float* row_loss, int* row_hit, const float* logits, const std::uint8_t* y, int B,
                                 int C, cudaStream_t stream, const int* halt);
int launch_cross_entropy_backward(float* dlogits, const float* logits, const std::uint8_t* y, int B, int C,
                                  cudaStream_t stream, const int* halt);
// One thread: loss[ctl->cur] = the mean of row_loss (summed in double, in row order, as the CPU
// does), correct[ctl->cur] = the sum of row_hit; a non-finite loss sets ctl->stop_at.
int launch_record_step(StepCtl* ctl, float* loss, int* correct, const float* row_loss, const int* row_hit, int B,
                       cudaStream_t stream);
int launch_sgd(float* p, const float* g, long n, float lr, cudaStream_t stream, const int* halt);
// x (B,P) = table[pixels[idx[n] * P + i]], y[n] = labels[idx[n]] (when y is not null), with
// idx = order + ctl->cur * stride when ctl is given (a captured step), else idx = order.
int launch_gather(float* x, std::uint8_t* y, const std::uint8_t* pixels, const std::uint8_t* labels, const int* order,
                  const StepCtl* ctl, int stride, int B, int P, const float* table, cudaStream_t stream);

}  // namespace wi_cuda
