// no_cuda.cpp - wi_cuda.h for a build without nvcc (make CUDA=0, or none found): no device,
// and every call fails saying so. The Makefile compiles this file instead of the .cu files, so
// src/ needs no #ifdef and the CUDA tests still compile (and skip).
#include "wi_cuda.h"

namespace {
const char* const kWhy = "built without CUDA (no nvcc found, or make CUDA=0)";
}

extern "C" {

int wi_cuda_compiled(void) { return 0; }
int wi_cuda_device_count(void) { return 0; }
const char* wi_cuda_no_device_reason(void) { return kWhy; }
int wi_cuda_device_name(char*, int) { return -1; }
const char* wi_cuda_error(void) { return kWhy; }

int wi_cuda_alloc(void** ptr, size_t) {
    if (ptr != nullptr) *ptr = nullptr;
    return -1;
}
int wi_cuda_free(void*) { return -1; }
int wi_cuda_to_device(void*, const void*, size_t) { return -1; }
int wi_cuda_to_host(void*, const void*, size_t) { return -1; }
int wi_cuda_synchronize(void) { return -1; }

int wi_cuda_linear_forward(float*, const float*, const float*, const float*, int, int, int) { return -1; }
int wi_cuda_linear_backward_input(float*, const float*, const float*, int, int, int) { return -1; }
int wi_cuda_linear_backward_weights(float*, float*, const float*, const float*, int, int, int) { return -1; }
int wi_cuda_activation_forward(float*, const float*, int, int) { return -1; }
int wi_cuda_activation_backward(float*, const float*, const float*, const float*, int, int) { return -1; }
int wi_cuda_cross_entropy_forward(float*, int*, const float*, const unsigned char*, int, int) { return -1; }
int wi_cuda_cross_entropy_backward(float*, const float*, const unsigned char*, int, int) { return -1; }
int wi_cuda_sgd(float*, const float*, size_t, float) { return -1; }
int wi_cuda_gather(float*, const unsigned char*, const int*, int, int, const float*) { return -1; }

long wi_cuda_param_count(int layers, const int* sizes) {
    long n = 0;
    for (int l = 0; l < layers; ++l) n += static_cast<long>(sizes[l + 1]) * sizes[l] + sizes[l + 1];
    return n;
}
int wi_cuda_fused_smem(int, const int*, int, int, size_t* need, size_t* limit) {
    if (need != nullptr) *need = 0;
    if (limit != nullptr) *limit = 0;
    return -1;
}
int wi_cuda_run_create(const WiCudaRunDesc*, WiCudaRun** run) {
    if (run != nullptr) *run = nullptr;
    return -1;
}
int wi_cuda_run_variant(const WiCudaRun*) { return -1; }
int wi_cuda_run_set_order(WiCudaRun*, const int*) { return -1; }
int wi_cuda_run_steps(WiCudaRun*, int, int, float*, int*, int* done) {
    if (done != nullptr) *done = 0;
    return -1;
}
int wi_cuda_run_params(WiCudaRun*, float*) { return -1; }
int wi_cuda_run_outputs(WiCudaRun*, float*, int*) { return -1; }
void wi_cuda_run_destroy(WiCudaRun*) {}

}  // extern "C"
