// epoch.h - one epoch of steps, the CPU's way and the GPU's: the loop's body, with the
// observers (observers.h) called before and after every step.
#pragma once
#include <memory>
#include <vector>

#include "../backend/gpu_run.h"
#include "batch_loader.h"
#include "observers.h"

namespace wi {

// On the CPU: for each batch from the loader, a step on the backend's loops.
void cpu_epoch(BatchLoader& loader, RunState& run, Observers& hooks);

// On the GPU the steps run there, a chunk at a time (weights and data stay on the device),
// and each step's loss and correct count come back with its chunk.
class GpuEpochs {
public:
    explicit GpuEpochs(std::unique_ptr<GpuRun> gpu) : gpu_(std::move(gpu)) {}
    // One epoch in the given order; signals are answered between chunks.
    void epoch(const std::vector<int>& order, RunState& run, Observers& hooks);

private:
    int run_chunk(int b, RunState& run);
    std::unique_ptr<GpuRun> gpu_;
    std::vector<float> loss_;  // the chunk's steps'
    std::vector<int> correct_;
};

}  // namespace wi
