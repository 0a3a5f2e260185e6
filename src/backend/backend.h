// backend.h - the ONE place that chooses how the math runs: the reference loops (src/nn) or
// their SIMD twins (src/cpu), picked by --kernel and what this CPU supports, and whether the
// training steps run on a GPU (kernels/, --device).
//
// The trainer asks the backend for a forward pass and a training step and never knows which
// path it got; the path's name is printed on wi's first lines. On the GPU the trainer gets a
// GpuRun that trains whole chunks of steps on the device; evaluation stays on the CPU loops.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../cpu/kernels.h"
#include "../nn/mlp.h"

namespace wi {

class GpuRun;
struct Dataset;
struct LookAhead;

class Backend {
public:
    // kernel: "ref" | "simd" (the best this CPU has) | "avx2" | "avx512"; device: "cpu" | "auto"
    // (a GPU when one is present now, else the CPU) | "cuda" (a GPU or wi::Error). Throws
    // wi::Error for what this CPU, machine or build cannot run.
    static Backend choose(const std::string& kernel, const std::string& device = "cpu");
    static Backend reference() { return Backend(nullptr); }

    std::string name() const;  // e.g. "simd (avx512)" or "reference (plain loops)"
    // name() and, on the GPU, how a model of these sizes and batch runs there
    std::string name(const std::vector<int>& sizes, Activation act, int batch) const;
    bool on_gpu() const { return gpu_; }
    // On the GPU: a run holding m and train on the device, for the trainer; null on the CPU.
    std::unique_ptr<GpuRun> gpu_run(const Mlp& m, const Dataset& train, int batch, float lr) const;
    bool is_reference() const { return kernels_ == nullptr; }
    const CpuKernels* kernels() const { return kernels_; }  // null for the reference

    // x (B,784) = the images idx[0..B) of d, normalized (the reference: normalize_batch)
    void normalize(float* x, const struct Dataset& d, const int* idx, int B) const;
    const float* forward(const Mlp& m, Workspace& ws, const float* x, int B) const;
    // One SGD step on x (B rows). ahead, when given, is the SIMD path's hand-off between steps
    // (src/cpu/mlp_fast.h): the next step's inputs in, their first-layer product out. The
    // reference path is never handed it.
    float train_step(Mlp& m, Workspace& ws, const float* x, const std::uint8_t* y, int B, float lr, int* correct,
                     LookAhead* ahead = nullptr) const;

private:
    explicit Backend(const CpuKernels* k) : kernels_(k) {}
    static Backend choose_loops(const std::string& kernel);
    const CpuKernels* kernels_;
    bool gpu_ = false;  // training steps on the GPU; kernels_ still evaluates
    std::string note_;  // why --device auto stayed on the CPU
};

// OpenMP threads a parallel region would use now (1 without OpenMP).
int thread_count();

// What the CPU running us supports.
bool cpu_has_avx2_fma();
bool cpu_has_avx512();

// Flush denormals to zero (FTZ) and treat denormal inputs as zero (DAZ) on the calling thread
// and, outside a parallel region, on OpenMP's pool threads: tiny weights (the notebook's 1e-8)
// would otherwise make many multiplies take a slow microcode path.
void set_flush_denormals();

}  // namespace wi
