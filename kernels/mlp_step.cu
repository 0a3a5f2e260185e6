// mlp_step.cu - the fused training step of a small MLP: forward, loss, backward and the SGD
// update of every layer for one batch, in one kernel, in one block, with the weights and the
// activations in shared memory. "Persistent" is the same kernel given many steps: it loops over
// them without returning, so the weights are loaded into shared memory once per launch instead
// of once per step, and an epoch of batch 4 is a handful of launches instead of 15,000 x 17.
//
// Shared memory, laid out by make_fused_plan (numbers for 784-32-32-10, no activation, batch 4):
//   params      every W_l (out,in) and b_l, in the run's global layout        26,506 floats  103.5 KB
//               (loaded at the start of a launch, written back at its end)
//   table       pixel byte -> normalized value, the CPU's own table            256 floats      1 KB
//   z_l         each layer's output before the activation, (batch, out_l)      296 floats    1.2 KB
//   a_l         after it, for hidden layers; the same buffer as z_l when there is no activation
//   dz[2]       dL/dz of the layer being differentiated and of the one below, (batch, widest)  1 KB
//   row_loss, row_hit, idx, y, flag: each row's loss and hit, the step's image indices and
//               labels, "this step's loss was not finite"                       < 0.1 KB
//   x           the step's images, normalized once per step: (batch, 784) floats    12.3 KB
//               or, when floats do not fit, bytes normalized on each read through the table
// In all 119 KB at batch 4; at batch 64 the images stay bytes and it is 189 KB (227 KB is what a
// block may opt into on a Hopper GPU, 163 KB on an A100). Shapes that do not fit, or have more
// than kFusedMaxLayers layers, run on the per-layer kernels instead (run.cu).
//
// Work split (512 threads): forward, one warp per (4 rows, 1 output), lanes over the inputs and
// a butterfly sum; input gradient, one thread per (4 rows, 1 input), summing over outputs in
// order; the update, one thread per (4 outputs, 1 input), summing over rows in order as the CPU
// does (dW = dy^T x), then W -= lr dW without ever storing dW. Every phase ends at a barrier.
// Sums run in a fixed order, so a run is deterministic.
#include <cmath>

#include "mlp_step.cuh"

namespace wi_cuda {

namespace {

constexpr int kTileRows = 4;  // rows per register tile (forward, input gradient)
constexpr int kOuts = 4;  // outputs per register tile (update)

size_t round4(size_t floats) { return (floats + 3) / 4 * 4; }  // 16-byte regions

// An image value: a float already normalized, or a byte through the table.
template <bool kXBytes>
__device__ __forceinline__ float load_x(const float* xs, const std::uint8_t* xb, const float* table, int e) {
    if (kXBytes) return table[xb[e]];
    return xs[e];
}

// z_l (n, out) = input (n, in) W_l^T + b_l; a_l = f(z_l) for hidden layers.
template <bool kXBytes>
__device__ void forward_layer(const FusedPlan& p, float* sm, int l, int n, const float* xs, const std::uint8_t* xb,
                              const float* table) {
    const int in = p.sizes[l], out = p.sizes[l + 1];
    const float* W = sm + p.w_off[l];
    const float* b = sm + p.b_off[l];
    float* z = sm + p.z_off[l];
    float* a = sm + p.a_off[l];
    const float* input = l > 0 ? sm + p.a_off[l - 1] : nullptr;
    const bool hidden = l + 1 < p.layers;
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    const int groups = (n + kTileRows - 1) / kTileRows;
    for (int item = warp; item < groups * out; item += warps) {  // warp-uniform: the whole warp iterates
        const int g = item / out, o = item - g * out, r0 = g * kTileRows;
        const float* w = W + o * in;
        float acc[kTileRows];
#pragma unroll
        for (int r = 0; r < kTileRows; ++r) acc[r] = 0.0f;
        for (int i = lane; i < in; i += 32) {
            const float wi = w[i];
#pragma unroll
            for (int r = 0; r < kTileRows; ++r)
                if (r0 + r < n) {
                    const int e = (r0 + r) * in + i;
                    acc[r] += (l == 0 ? load_x<kXBytes>(xs, xb, table, e) : input[e]) * wi;
                }
        }
#pragma unroll
        for (int r = 0; r < kTileRows; ++r) {
            const float sum = warp_sum(acc[r]);
            if (lane == r && r0 + r < n) {
                const float zv = b[o] + sum;  // z[n,o] = b[o] + sum_i x[n,i] W[o,i]
                z[(r0 + r) * out + o] = zv;
                if (hidden) a[(r0 + r) * out + o] = act_forward(zv, p.act);
            }
        }
    }
}

// dprev (n, in) = f'(z_{l-1}) * (dz (n, out) W_l): the gradient into layer l-1's outputs, with
// W_l as it was in forward (this runs before W_l moves).
__device__ void backward_input(const FusedPlan& p, float* sm, int l, int n, const float* dz, float* dprev) {
    const int in = p.sizes[l], out = p.sizes[l + 1];
    const float* W = sm + p.w_off[l];
    const float* zp = sm + p.z_off[l - 1];
    const float* ap = sm + p.a_off[l - 1];
    const int groups = (n + kTileRows - 1) / kTileRows;
    for (int item = threadIdx.x; item < groups * in; item += blockDim.x) {
        const int g = item / in, i = item - g * in, r0 = g * kTileRows;
        float acc[kTileRows];
#pragma unroll
        for (int r = 0; r < kTileRows; ++r) acc[r] = 0.0f;
        for (int o = 0; o < out; ++o) {
            const float w = W[o * in + i];
#pragma unroll
            for (int r = 0; r < kTileRows; ++r)
                if (r0 + r < n) acc[r] += dz[(r0 + r) * out + o] * w;  // da[n,i] = sum_o dz[n,o] W[o,i]
        }
#pragma unroll
        for (int r = 0; r < kTileRows; ++r)
            if (r0 + r < n) {
                const int e = (r0 + r) * in + i;
                dprev[e] = act_backward(acc[r], zp[e], ap[e], p.act);  // dz = da * f'(z)
            }
    }
}

// W_l -= lr dz^T input, b_l -= lr sum over rows of dz: the weight gradient summed over the rows
// in order, as the CPU's linear_backward, and applied at once (never stored).
template <bool kXBytes>
__device__ void update_layer(const FusedPlan& p, float* sm, int l, int n, float lr, const float* dz, const float* xs,
                             const std::uint8_t* xb, const float* table) {
    const int in = p.sizes[l], out = p.sizes[l + 1];
    float* W = sm + p.w_off[l];
    float* b = sm + p.b_off[l];
    const float* input = l > 0 ? sm + p.a_off[l - 1] : nullptr;
    const int groups = (out + kOuts - 1) / kOuts;
    for (int item = threadIdx.x; item < groups * in; item += blockDim.x) {
        const int g = item / in, i = item - g * in, o0 = g * kOuts;
        float acc[kOuts];
#pragma unroll
        for (int k = 0; k < kOuts; ++k) acc[k] = 0.0f;
        for (int r = 0; r < n; ++r) {
            const int e = r * in + i;
            const float x = l == 0 ? load_x<kXBytes>(xs, xb, table, e) : input[e];
#pragma unroll
            for (int k = 0; k < kOuts; ++k)
                if (o0 + k < out) acc[k] += dz[r * out + o0 + k] * x;  // dW[o,i] = sum_n dz[n,o] x[n,i]
        }
#pragma unroll
        for (int k = 0; k < kOuts; ++k)
            if (o0 + k < out) W[(o0 + k) * in + i] -= lr * acc[k];
    }
    for (int o = threadIdx.x; o < out; o += blockDim.x) {
        float acc = 0.0f;
        for (int r = 0; r < n; ++r) acc += dz[r * out + o];  // db[o] = sum_n dz[n,o]
        b[o] -= lr * acc;
    }
}

template <bool kXBytes>
__global__ void __launch_bounds__(kFusedThreads, 1)
    fused_steps_kernel(const FusedPlan p, float* params, const std::uint8_t* pixels, const std::uint8_t* labels,
                       const int* order, int count, const float* table_g, int first, int steps, float lr,
                       float* losses, int* correct, int* stop_at, float* last_z) {
    if (*stop_at >= 0) return;  // an earlier step's loss was not finite: this run is over
    extern __shared__ float4 smem4[];
    float* sm = reinterpret_cast<float*>(smem4);
    float* table = sm + p.table_off;
    float* row_loss = sm + p.row_loss_off;
    int* row_hit = reinterpret_cast<int*>(sm + p.row_hit_off);
    int* idx = reinterpret_cast<int*>(sm + p.idx_off);
    int* ys = reinterpret_cast<int*>(sm + p.y_off);
    int* flag = reinterpret_cast<int*>(sm + p.flag_off);
    float* xs = sm + p.x_off;
    std::uint8_t* xb = reinterpret_cast<std::uint8_t*>(sm + p.x_off);
    const int tid = threadIdx.x, nt = blockDim.x;
    const int L = p.layers, in0 = p.sizes[0], C = p.sizes[L], B = p.batch;

    for (int i = tid; i < p.params; i += nt) sm[i] = params[i];
    for (int i = tid; i < 256; i += nt) table[i] = table_g[i];
    if (tid == 0) *flag = 0;
    __syncthreads();

    int n = 0;  // rows of the step running (the epoch's last batch may be short)
    for (int s = first; s < first + steps; ++s) {
        n = min(B, count - s * B);
        // 1. the batch: image indices and labels, then the images
        for (int r = tid; r < n; r += nt) {
            const int id = order[s * B + r];
            idx[r] = id;
            ys[r] = labels[id];
        }
        __syncthreads();
        for (int r = 0; r < n; ++r) {
            const std::uint8_t* src = pixels + static_cast<size_t>(idx[r]) * in0;
            for (int i = tid; i < in0; i += nt) {
                if (kXBytes)
                    xb[r * in0 + i] = src[i];
                else
                    xs[r * in0 + i] = table[src[i]];  // (p/255 - 0.5) / 0.5
            }
        }
        __syncthreads();

        // 2. forward, layer by layer
        for (int l = 0; l < L; ++l) {
            forward_layer<kXBytes>(p, sm, l, n, xs, xb, table);
            __syncthreads();
        }

        // 3. loss and dL/dlogits = (softmax - onehot(y)) / n, one thread per row, as the CPU
        const float* logits = sm + p.z_off[L - 1];
        float* dlogits = sm + p.dz_off[(L - 1) & 1];
        const float inv_n = 1.0f / static_cast<float>(n);
        for (int r = tid; r < n; r += nt) {
            const float* zr = logits + r * C;
            float* dr = dlogits + r * C;
            const int y = ys[r];
            int best = 0;
            for (int c = 1; c < C; ++c)
                if (zr[c] > zr[best]) best = c;
            const float m = zr[best];
            float sum = 0.0f;
            for (int c = 0; c < C; ++c) {
                dr[c] = expf(zr[c] - m);
                sum += dr[c];
            }
            row_loss[r] = logf(sum) - (zr[y] - m);  // logsumexp(z) - z[y], m never added back (as the CPU)
            row_hit[r] = best == y;
            for (int c = 0; c < C; ++c) dr[c] = (dr[c] / sum - (c == y ? 1.0f : 0.0f)) * inv_n;
        }
        __syncthreads();
        if (tid == 0) {  // the mean in double, in row order, as cross_entropy_forward
            double total = 0.0;
            int hits = 0;
            for (int r = 0; r < n; ++r) {
                total += static_cast<double>(row_loss[r]);
                hits += row_hit[r];
            }
            const float mean = static_cast<float>(total / n);
            losses[s] = mean;
            correct[s] = hits;
            if (!isfinite(mean)) {  // this step completes (as on the CPU), then the run stops
                *flag = 1;
                *stop_at = s;
            }
        }

        // 4. backward and SGD, from the last layer down
        for (int l = L - 1; l >= 0; --l) {
            const float* dz = sm + p.dz_off[l & 1];
            if (l > 0) backward_input(p, sm, l, n, dz, sm + p.dz_off[(l - 1) & 1]);
            __syncthreads();  // the input gradient used W_l as in forward; now it may move
            update_layer<kXBytes>(p, sm, l, n, lr, dz, xs, xb, table);
            __syncthreads();
        }
        if (*flag) break;  // written before the barriers above: every thread sees it
    }

    for (int i = tid; i < p.params; i += nt) params[i] = sm[i];
    size_t off = 0;  // layer l's z at batch * (sum of the widths before it)
    for (int l = 0; l < L; ++l) {
        const int out = p.sizes[l + 1];
        for (int e = tid; e < n * out; e += nt) last_z[off + e] = sm[p.z_off[l] + e];
        off += static_cast<size_t>(B) * out;
    }
}

}  // namespace

bool make_fused_plan(int layers, const int* sizes, int batch, int act, size_t limit, FusedPlan* plan) {
    FusedPlan p;
    if (layers < 1 || layers > kFusedMaxLayers || batch < 1) {
        *plan = p;
        return false;
    }
    p.layers = layers;
    p.act = act;
    p.batch = batch;
    size_t params = 0, widest = 0;
    for (int l = 0; l <= layers; ++l) p.sizes[l] = sizes[l];
    size_t w_off[kFusedMaxLayers], b_off[kFusedMaxLayers];
    for (int l = 0; l < layers; ++l) {
        const size_t in = static_cast<size_t>(sizes[l]), out = static_cast<size_t>(sizes[l + 1]);
        w_off[l] = params;
        params += out * in;
        b_off[l] = params;
        params += out;
        widest = out > widest ? out : widest;
    }
    size_t off = round4(params);  // floats
    auto take = [&](size_t floats) {
        const size_t at = off;
        off += round4(floats);
        return at;
    };
    const size_t B = static_cast<size_t>(batch);
    const size_t table = take(256);
    size_t z_off[kFusedMaxLayers], a_off[kFusedMaxLayers];
    for (int l = 0; l < layers; ++l) {
        z_off[l] = take(B * sizes[l + 1]);
        a_off[l] = (l + 1 < layers && act != 0) ? take(B * sizes[l + 1]) : z_off[l];
    }
    const size_t dz0 = take(B * widest), dz1 = take(B * widest);
    const size_t row_loss = take(B), row_hit = take(B), idx = take(B), y = take(B), flag = take(1);
    const size_t x_floats = round4(B * sizes[0]), x_bytes = round4((B * sizes[0] + 3) / 4);
    const bool floats_fit = (off + x_floats) * sizeof(float) <= limit;
    p.x_bytes = floats_fit ? 0 : 1;
    p.bytes = (off + (floats_fit ? x_floats : x_bytes)) * sizeof(float);
    const bool fits = p.bytes <= limit;
    if (fits) {  // every offset is below limit / 4 and fits an int
        for (int l = 0; l < layers; ++l) {
            p.w_off[l] = static_cast<int>(w_off[l]);
            p.b_off[l] = static_cast<int>(b_off[l]);
            p.z_off[l] = static_cast<int>(z_off[l]);
            p.a_off[l] = static_cast<int>(a_off[l]);
        }
        p.params = static_cast<int>(params);
        p.table_off = static_cast<int>(table);
        p.dz_off[0] = static_cast<int>(dz0);
        p.dz_off[1] = static_cast<int>(dz1);
        p.row_loss_off = static_cast<int>(row_loss);
        p.row_hit_off = static_cast<int>(row_hit);
        p.idx_off = static_cast<int>(idx);
        p.y_off = static_cast<int>(y);
        p.flag_off = static_cast<int>(flag);
        p.x_off = static_cast<int>(off);
    }
    *plan = p;
    return fits;
}

int fused_smem_limit(size_t* limit) {
    int device = 0, optin = 0;
    WI_CUDA_TRY(cudaGetDevice(&device));
    WI_CUDA_TRY(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
    *limit = static_cast<size_t>(optin);
    return 0;
}

int launch_fused_steps(const FusedPlan& plan, float* params, const std::uint8_t* pixels, const std::uint8_t* labels,
                       const int* order, int count, const float* table, int first, int steps, float lr, float* losses,
                       int* correct, int* stop_at, float* last_z, cudaStream_t stream) {
    // More than 48 KB of dynamic shared memory is an opt-in, once per kernel: up to the limit.
    static const cudaError_t opted_in = []() {
        size_t limit = 0;
        if (fused_smem_limit(&limit) != 0) return cudaErrorInvalidDevice;
        cudaError_t e = cudaFuncSetAttribute(fused_steps_kernel<false>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             static_cast<int>(limit));
        if (e == cudaSuccess)
            e = cudaFuncSetAttribute(fused_steps_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                     static_cast<int>(limit));
        return e;
    }();
    if (opted_in != cudaSuccess)
        return fail(__FILE__, __LINE__, "cudaFuncSetAttribute(fused_steps_kernel, MaxDynamicSharedMemorySize)", opted_in);
    if (plan.x_bytes)
        fused_steps_kernel<true><<<1, kFusedThreads, plan.bytes, stream>>>(
            plan, params, pixels, labels, order, count, table, first, steps, lr, losses, correct, stop_at, last_z);
    else
        fused_steps_kernel<false><<<1, kFusedThreads, plan.bytes, stream>>>(
            plan, params, pixels, labels, order, count, table, first, steps, lr, losses, correct, stop_at, last_z);
    WI_CUDA_LAUNCHED("fused_steps_kernel");
    return 0;
}

}  // namespace wi_cuda
