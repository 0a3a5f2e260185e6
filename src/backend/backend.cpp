#include "backend.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define WI_X86 1
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../cpu/mlp_fast.h"
#include "../data/idx.h"
#include "../data/mnist.h"
#include "../core/error.h"
#include "gpu_run.h"

namespace wi {

int thread_count() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

bool cpu_has_avx2_fma() {
#ifdef WI_X86
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

bool cpu_has_avx512() {
#ifdef WI_X86
    return __builtin_cpu_supports("avx512f") && cpu_has_avx2_fma();
#else
    return false;
#endif
}

namespace {
void set_flush_denormals_here() {
#ifdef WI_X86
    _mm_setcsr(_mm_getcsr() | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
#endif
}
}  // namespace

void set_flush_denormals() {
    set_flush_denormals_here();
#ifdef _OPENMP
    if (!omp_in_parallel()) {  // and on the OpenMP pool's threads, which the kernels may use
#pragma omp parallel
        set_flush_denormals_here();
    }
#endif
}

Backend Backend::choose(const std::string& kernel, const std::string& device) {
    Backend b = choose_loops(kernel);
    if (device == "cpu") return b;
    if (device != "auto" && device != "cuda") throw Error("--device: unknown device '" + device + "' (valid: auto, cpu, cuda)");
    if (gpu_present()) {
        b.gpu_ = true;
        return b;
    }
    if (device == "cuda")
        throw Error(gpu_compiled() ? "--device cuda: no usable GPU (" + gpu_absence() + ")"
                                   : "--device cuda: this wi was built without CUDA (build it with make CUDA=1 where nvcc is installed)");
    b.note_ = gpu_compiled() ? ", no GPU found (--device auto)" : ", built without CUDA (--device auto)";
    return b;
}

Backend Backend::choose_loops(const std::string& kernel) {
    if (kernel == "ref") return Backend(nullptr);
    if (kernel == "avx512" || (kernel == "simd" && cpu_has_avx512())) {
        if (!cpu_has_avx512()) throw Error("--kernel avx512: this CPU has no AVX-512F");
        return Backend(&cpu_kernels_avx512());
    }
    if (kernel == "avx2" || kernel == "simd") {
        if (!cpu_has_avx2_fma()) {
            if (kernel == "simd") return Backend(nullptr);  // nothing faster here: the reference it is
            throw Error("--kernel avx2: this CPU has no AVX2 with FMA");
        }
        return Backend(&cpu_kernels_avx2());
    }
    throw Error("--kernel: unknown path '" + kernel + "' (valid: simd, ref, avx2, avx512)");
}

std::string Backend::name() const {
    const std::string loops = kernels_ == nullptr ? "reference (plain loops)" : std::string("simd (") + kernels_->name + ")";
    return gpu_ ? "cuda (" + gpu_name() + "; test set on " + loops + ")" : loops + note_;
}

std::string Backend::name(const std::vector<int>& sizes, Activation act, int batch) const {
    if (!gpu_) return name();
    const std::string loops = kernels_ == nullptr ? "reference (plain loops)" : std::string("simd (") + kernels_->name + ")";
    return "cuda (" + gpu_name() + ": " + gpu_plan_text(sizes, act, batch) + "; test set on " + loops + ")";
}

std::unique_ptr<GpuRun> Backend::gpu_run(const Mlp& m, const Dataset& train, int batch, float lr) const {
    if (!gpu_) return nullptr;
    return std::make_unique<GpuRun>(m, train, batch, lr);
}

void Backend::normalize(float* x, const Dataset& d, const int* idx, int B) const {
    if (kernels_ == nullptr) return normalize_batch(x, d, idx, B);
    for (int n = 0; n < B; ++n)
        kernels_->normalize_pixels(x + static_cast<std::size_t>(n) * kImagePixels,
                                   d.pixels.data() + static_cast<std::size_t>(idx[n]) * kImagePixels, kImagePixels);
}

const float* Backend::forward(const Mlp& m, Workspace& ws, const float* x, int B) const {
    return kernels_ == nullptr ? mlp_forward(m, ws, x, B) : mlp_forward_fast(m, ws, x, B, *kernels_);
}

float Backend::train_step(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                          LookAhead* ahead) const {
    return kernels_ == nullptr ? mlp_train_step(m, ws, x, y, B, lr, correct)
                               : mlp_train_step_fast(m, ws, x, y, B, lr, correct, *kernels_, ahead);
}

}  // namespace wi
