// wi_cuda.h - the CUDA side of wi as a small C-style interface: plain functions on device
// pointers (each kernel, for the tests and the per-layer path) and an opaque training run
// (weights, data and the epoch's order on the device; steps run in chunks).
//
// kernels/ includes nothing from src/; src/backend/gpu_run.cpp wraps this in wi's types. Every
// function that returns int returns 0 on success and -1 on failure; wi_cuda_error() then
// says what failed, with the file and line of the CUDA call ("kernels/linear.cu:88: ...").
// Built without nvcc (make CUDA=0, or none found), kernels/no_cuda.cpp implements the same
// functions: no device, and every call fails saying so.
//
// Layouts are wi's (and PyTorch's): W is (out, in) row-major, x is (B, in) row-major.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Activations, in wi::Activation's order.
enum { WI_ACT_NONE = 0, WI_ACT_SIGMOID = 1, WI_ACT_TANH = 2, WI_ACT_RELU = 3 };

// How a run executes its steps (see kernels/README.md):
//   PER_LAYER   one kernel per layer operation, a step captured once in a CUDA graph
//   FUSED       one launch of the fused kernel per step (weights in and out of shared memory each step)
//   PERSISTENT  the fused kernel looping over a chunk of steps, weights kept in shared memory
//   AUTO        PERSISTENT when the model and batch fit in one block's shared memory, else PER_LAYER
enum { WI_CUDA_AUTO = 0, WI_CUDA_PER_LAYER = 1, WI_CUDA_FUSED = 2, WI_CUDA_PERSISTENT = 3 };

// ---- the device ----
int wi_cuda_compiled(void);                  // 1 when built by nvcc, 0 for the stub
int wi_cuda_device_count(void);              // usable GPUs; 0 when there is no driver, no device, or no CUDA
const char* wi_cuda_no_device_reason(void);  // why the count is 0 ("" when it is not)
int wi_cuda_device_name(char* name, int len);  // device 0's name
const char* wi_cuda_error(void);             // the calling thread's last failure ("" if none)

// ---- device memory (tests, benchmarks) ----
int wi_cuda_alloc(void** ptr, size_t bytes);
int wi_cuda_free(void* ptr);
int wi_cuda_to_device(void* dst, const void* src, size_t bytes);
int wi_cuda_to_host(void* dst, const void* src, size_t bytes);  // waits for the kernels before it
int wi_cuda_synchronize(void);

// ---- the kernels, one entry each (device pointers, the default stream), twins of src/nn/ ----
// y (B,out) = x (B,in) W^T + b                                            linear_forward
int wi_cuda_linear_forward(float* y, const float* x, const float* W, const float* b, int B, int in, int out);
// dx (B,in) = dy (B,out) W                                                linear_backward's dx
int wi_cuda_linear_backward_input(float* dx, const float* dy, const float* W, int B, int in, int out);
// dW (out,in) = dy^T x, db (out) = sum over rows of dy                    linear_backward's dW, db
int wi_cuda_linear_backward_weights(float* dW, float* db, const float* dy, const float* x, int B, int in, int out);
// a = f(z), n elements                                                    activation_forward
int wi_cuda_activation_forward(float* a, const float* z, int n, int act);
// dz = da * f'(z), with a = f(z); dz == da allowed                        activation_backward
int wi_cuda_activation_backward(float* dz, const float* da, const float* z, const float* a, int n, int act);
// row_loss[n] = logsumexp(logits[n]) - logits[n][y[n]], row_hit[n] = (argmax == y[n])
//                                    cross_entropy_forward (its mean is the sum of row_loss / B)
int wi_cuda_cross_entropy_forward(float* row_loss, int* row_hit, const float* logits, const unsigned char* y, int B,
                                  int C);
// dlogits = (softmax(logits) - onehot(y)) / B                             cross_entropy_backward
int wi_cuda_cross_entropy_backward(float* dlogits, const float* logits, const unsigned char* y, int B, int C);
// p -= lr g, n elements                                                   sgd_step
int wi_cuda_sgd(float* p, const float* g, size_t n, float lr);
// x (B,P) = table[pixels[idx[n]*P + i]]: gather a batch and normalize it   normalize_batch
int wi_cuda_gather(float* x, const unsigned char* pixels, const int* idx, int B, int P, const float* table);

// ---- a training run ----
typedef struct WiCudaRun WiCudaRun;

typedef struct {
    int layers;                   // Linear layers
    const int* sizes;             // layers + 1 widths; sizes[0] = bytes per image
    int act;                      // WI_ACT_*, after every layer but the last
    int batch;                    // samples per step (an epoch's last step may have fewer)
    float lr;                     // SGD learning rate
    const float* params;          // host: W0 (out,in), b0, W1, b1, ... (wi_cuda_param_count floats)
    const unsigned char* pixels;  // host: count images of sizes[0] bytes, uploaded once
    const unsigned char* labels;  // host: count labels, each < sizes[layers]
    int count;                    // training images
    const float* pixel_table;     // host: 256 floats, the normalized value of each pixel byte
    int variant;                  // WI_CUDA_*
} WiCudaRunDesc;

long wi_cuda_param_count(int layers, const int* sizes);
// Shared memory the fused kernel needs for this shape (bytes), and the most one block may have
// on device 0 (0 without a device). The fused and persistent variants need need <= limit.
int wi_cuda_fused_smem(int layers, const int* sizes, int batch, int act, size_t* need, size_t* limit);

int wi_cuda_run_create(const WiCudaRunDesc* desc, WiCudaRun** run);
int wi_cuda_run_variant(const WiCudaRun* run);  // what AUTO resolved to
// The epoch's sample order: count indices into the images.
int wi_cuda_run_set_order(WiCudaRun* run, const int* order);
// Runs steps first .. first+steps-1 of the epoch (step s takes order[s*batch ...]). Copies
// their mean losses and correct counts to loss[0..steps) and correct[0..steps). A step whose loss
// is not finite is completed (its update applied, as on the CPU) and is the last one run;
// *done = steps run. After such a step no further step of this run does anything.
int wi_cuda_run_steps(WiCudaRun* run, int first, int steps, float* loss, int* correct, int* done);
int wi_cuda_run_params(WiCudaRun* run, float* params);  // the current weights, layout as desc.params
// Each layer's pre-activation outputs z of the last step run, layer after layer: layer l is
// (rows, sizes[l+1]) with rows that step's batch size; *rows receives it.
int wi_cuda_run_outputs(WiCudaRun* run, float* z, int* rows);
void wi_cuda_run_destroy(WiCudaRun* run);

#ifdef __cplusplus
}
#endif
