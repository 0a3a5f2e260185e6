// mlp_step.cuh - the fused training step of a small MLP: its shared-memory plan and launcher
// (the kernel is in mlp_step.cu; run.cu drives it).
#pragma once
#include "common.cuh"

namespace wi_cuda {

constexpr int kFusedMaxLayers = 8;
constexpr int kFusedThreads = 512;  // one block per run; 16 warps

// Where everything lives in the fused kernel's shared memory, computed once on the host and
// passed to the kernel by value. Offsets count floats from the start; every region starts on a
// 16-byte boundary. The parameters come first, in the same layout as the run's global buffer.
struct FusedPlan {
    int layers = 0, act = 0, batch = 0;
    int sizes[kFusedMaxLayers + 1] = {};
    int w_off[kFusedMaxLayers] = {}, b_off[kFusedMaxLayers] = {};  // W_l (out,in) and b_l: parameters and shared memory alike
    int params = 0;                                                  // floats of parameters
    int z_off[kFusedMaxLayers] = {};  // z_l (batch, out_l): each layer's output before the activation
    int a_off[kFusedMaxLayers] = {};  // a_l (batch, out_l) = f(z_l) for hidden layers (== z_off with no activation)
    int dz_off[2] = {};               // dL/dz ping-pong, (batch, widest layer) each
    int table_off = 0;                // 256 floats: the normalized value of each pixel byte
    int row_loss_off = 0;             // (batch) floats: each row's loss
    int row_hit_off = 0;              // (batch) ints: each row classified right
    int idx_off = 0;                  // (batch) ints: this step's image indices
    int y_off = 0;                    // (batch) ints: this step's labels
    int flag_off = 0;                 // 1 int: the step's loss was not finite
    int x_off = 0;                    // the step's images: (batch, sizes[0]) floats, or bytes when x_bytes
    int x_bytes = 0;                  // 1: the images stay uint8 (normalized on every read through the table)
    size_t bytes = 0;                 // shared memory in all
};

// The plan for a shape, choosing float images when they fit in `limit` bytes and uint8 ones
// otherwise. Returns false (plan.bytes = what the smaller form would need) when the model has
// more than kFusedMaxLayers layers or does not fit.
bool make_fused_plan(int layers, const int* sizes, int batch, int act, size_t limit, FusedPlan* plan);

// The most dynamic shared memory one block may opt into on the current device.
int fused_smem_limit(size_t* limit);

// Runs steps first .. first+steps-1 in one launch of one block on `stream`. params (global) are
// read at the start and written back at the end; losses/correct are indexed by step; stop_at
// (global int) is set to the first step with a non-finite loss, after which nothing runs (the
// kernel returns at once when it is already set). last_z receives the last step's z_l, layer l
// at batch * (the widths of the layers before it), rows as that step's batch.
int launch_fused_steps(const FusedPlan& plan, float* params, const std::uint8_t* pixels, const std::uint8_t* labels,
                       const int* order, int count, const float* table, int first, int steps, float lr, float* losses,
                       int* correct, int* stop_at, float* last_z, cudaStream_t stream);

}  // namespace wi_cuda
