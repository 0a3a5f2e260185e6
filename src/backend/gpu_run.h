// gpu_run.h - the GPU in wi's types (kernels/wi_cuda.h underneath): is there one, and one
// training run on it. A GpuRun holds the model's weights, the training set (uint8, uploaded
// once) and the epoch's order on the device, and runs the steps a chunk at a time; the trainer
// reads every step's loss and correct count back once per chunk, never per step.
//
// In a build without nvcc everything here still compiles and links (kernels/no_cuda.cpp):
// gpu_present() is false and a GpuRun cannot be made.
#pragma once
#include <string>
#include <vector>

#include "../data/mnist.h"
#include "../nn/mlp.h"

struct WiCudaRun;

namespace wi {

// How a run executes its steps (kernels/README.md): one kernel per layer operation replayed
// from a CUDA graph; the fused step, one launch per step; the fused step looping over a chunk of
// steps in one launch. Auto: persistent when the model fits in one block's shared memory.
enum class GpuVariant { Auto, PerLayer, Fused, Persistent };
const char* gpu_variant_name(GpuVariant v);

bool gpu_compiled();        // this wi was built with nvcc
bool gpu_present();         // a usable GPU now; no driver or no device counts as none
std::string gpu_absence();  // why there is none, e.g. "cudaGetDeviceCount: no CUDA-capable device is detected"
std::string gpu_name();     // device 0's name ("" without one)

// How Auto runs this shape, for the train: line, e.g. "fused persistent step, 119 KB shared
// memory" or "per-layer kernels in a CUDA graph (the fused step would need 250 KB, 227 KB here)".
std::string gpu_plan_text(const std::vector<int>& sizes, Activation act, int batch);

class GpuRun {
public:
    // Uploads m's weights, train's images and labels and the normalization table; the order is
    // the file order until set_order. Throws wi::Error when there is no GPU or CUDA fails.
    GpuRun(const Mlp& m, const Dataset& train, int batch, float lr, GpuVariant variant = GpuVariant::Auto);
    ~GpuRun();
    GpuRun(const GpuRun&) = delete;
    GpuRun& operator=(const GpuRun&) = delete;

    GpuVariant variant() const;  // what Auto resolved to
    int steps_per_epoch() const { return (count_ + batch_ - 1) / batch_; }

    // The epoch's order: train.count indices; step s takes order[s*batch ...].
    void set_order(const std::vector<int>& order);
    // Runs steps first .. first+count-1 of the epoch; their mean losses and correct counts go to
    // loss[0..count) and correct[0..count). Returns the steps run: fewer than count when a step's
    // loss was not finite (that step is run, its update applied, and nothing after it).
    int run(int first, int count, float* loss, int* correct);
    void download(Mlp& m);  // the device's weights into m
    // Each layer's z of the last step run into ws.z, as the CPU step leaves them; returns its rows.
    int download_outputs(Workspace& ws);

private:
    WiCudaRun* run_ = nullptr;
    std::vector<float> flat_;  // the weights in wi_cuda.h's layout: W0, b0, W1, b1, ...
    std::vector<float> z_;
    int batch_ = 0, count_ = 0;
};

}  // namespace wi
