// backend.h - the ONE place that chooses how the math runs: the reference loops (src/nn) or
// their SIMD twins (src/cpu), picked by --kernel and what this CPU supports.
//
// The trainer asks the backend for a forward pass and a training step and never knows which
// path it got; the path's name is printed on wi's first lines.
#pragma once
#include <cstdint>
#include <string>

#include "cpu/kernels.h"
#include "nn/mlp.h"

namespace wi {

class Backend {
public:
    // "ref" | "simd" (the best this CPU has) | "avx2" | "avx512"; throws wi::Error for a name
    // this CPU or build cannot run.
    static Backend choose(const std::string& kernel);
    static Backend reference() { return Backend(nullptr); }

    std::string name() const;  // e.g. "simd (avx512)" or "reference (plain loops)"
    bool is_reference() const { return kernels_ == nullptr; }
    const CpuKernels* kernels() const { return kernels_; }  // null for the reference

    // x (B,784) = the images idx[0..B) of d, normalized (the reference: normalize_batch)
    void normalize(float* x, const struct Dataset& d, const int* idx, int B) const;
    const float* forward(const Mlp& m, Workspace& ws, const float* x, int B) const;
    float train_step(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct) const;

private:
    explicit Backend(const CpuKernels* k) : kernels_(k) {}
    const CpuKernels* kernels_;
};

// What the CPU running us supports.
bool cpu_has_avx2_fma();
bool cpu_has_avx512();

// Flush denormals to zero (FTZ) and treat denormal inputs as zero (DAZ) on the calling thread
// and, outside a parallel region, on OpenMP's pool threads: tiny weights (the notebook's 1e-8)
// would otherwise make many multiplies take a slow microcode path.
void set_flush_denormals();

}  // namespace wi
