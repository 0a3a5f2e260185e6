// device.cu - the device as wi sees it: whether there is a usable GPU (no driver and no device
// both count as "none", so a CUDA build runs anywhere), its name, failures recorded per thread
// with file and line, and plain device memory for the tests and benchmarks.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "common.cuh"
#include "wi_cuda.h"

namespace wi_cuda {

namespace {

thread_local std::string t_error;

struct DeviceInfo {
    int count = 0;
    std::string reason;  // why count is 0
    std::string name;
};

// Whether an NVIDIA driver is installed at all: its kernel module or its user-space library.
bool nvidia_driver_present() {
    struct stat st;
    if (stat("/proc/driver/nvidia", &st) == 0) return true;
    if (void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
        dlclose(lib);
        return true;
    }
    return false;
}

// Asked once: cudaGetDeviceCount fails with "insufficient driver" both without any driver (the
// static runtime's answer then) and with one too old, and with "no CUDA-capable device" without
// a GPU; all mean no GPU, and the reason says which. The kernels are built for compute
// capability 8.0 and 9.0 (plus PTX for later chips), so device 0 must be 8.0 or newer.
const DeviceInfo& device_info() {
    static const DeviceInfo info = []() {
        DeviceInfo d;
        int n = 0;
        const cudaError_t e = cudaGetDeviceCount(&n);
        if (e != cudaSuccess) {
            d.reason = e == cudaErrorInsufficientDriver && !nvidia_driver_present()
                           ? std::string("no NVIDIA driver: neither /proc/driver/nvidia nor libcuda.so.1")
                           : std::string("cudaGetDeviceCount: ") + cudaGetErrorString(e);
            cudaGetLastError();  // clear it: it is an answer, not a failure
            return d;
        }
        if (n <= 0) {
            d.reason = "no CUDA device";
            return d;
        }
        cudaDeviceProp prop;
        const cudaError_t pe = cudaGetDeviceProperties(&prop, 0);
        if (pe != cudaSuccess) {
            d.reason = std::string("cudaGetDeviceProperties: ") + cudaGetErrorString(pe);
            cudaGetLastError();
            return d;
        }
        d.name = prop.name;
        if (prop.major < 8) {
            char buf[256];
            std::snprintf(buf, sizeof buf, "%s has compute capability %d.%d; wi's kernels need 8.0 or newer", prop.name,
                          prop.major, prop.minor);
            d.reason = buf;
            return d;
        }
        d.count = n;
        return d;
    }();
    return info;
}

}  // namespace

int fail(const char* file, int line, const char* what, cudaError_t err) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s:%d: %s: %s (%s)", file, line, what, cudaGetErrorString(err),
                  cudaGetErrorName(err));
    t_error = buf;
    return -1;
}

int fail_msg(const char* file, int line, const char* msg) {
    if (file == nullptr) {  // a message already made (file and line in it)
        t_error = msg;
        return -1;
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s:%d: %s", file, line, msg);
    t_error = buf;
    return -1;
}

}  // namespace wi_cuda

using namespace wi_cuda;

extern "C" int wi_cuda_compiled(void) { return 1; }
extern "C" int wi_cuda_device_count(void) { return device_info().count; }
extern "C" const char* wi_cuda_no_device_reason(void) { return device_info().reason.c_str(); }
extern "C" const char* wi_cuda_error(void) { return t_error.c_str(); }

extern "C" int wi_cuda_device_name(char* name, int len) {
    WI_CUDA_REQUIRE(name != nullptr && len > 0, "wi_cuda_device_name: no buffer");
    WI_CUDA_REQUIRE(device_info().count > 0, "wi_cuda_device_name: no usable GPU");
    std::snprintf(name, static_cast<size_t>(len), "%s", device_info().name.c_str());
    return 0;
}

extern "C" int wi_cuda_alloc(void** ptr, size_t bytes) {
    WI_CUDA_REQUIRE(ptr != nullptr, "wi_cuda_alloc: null pointer");
    WI_CUDA_TRY(cudaMalloc(ptr, bytes));
    return 0;
}

extern "C" int wi_cuda_free(void* ptr) {
    WI_CUDA_TRY(cudaFree(ptr));
    return 0;
}

extern "C" int wi_cuda_to_device(void* dst, const void* src, size_t bytes) {
    WI_CUDA_TRY(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice));
    return 0;
}

extern "C" int wi_cuda_to_host(void* dst, const void* src, size_t bytes) {
    WI_CUDA_TRY(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost));
    return 0;
}

extern "C" int wi_cuda_synchronize(void) {
    WI_CUDA_TRY(cudaDeviceSynchronize());
    return 0;
}
