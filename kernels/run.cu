// run.cu - one training run on the device (wi_cuda.h's WiCudaRun): its own stream, the weights,
// the data set uploaded once as uint8, the epoch's order uploaded once per epoch, and the
// steps run in chunks whose losses and correct counts come back once per chunk, never per step.
//
// Per-layer variant: one step is 5 + 5 per layer kernel launches (fewer with no activation),
// captured once in a CUDA graph (and once more for a short last batch) and replayed per step.
// The kernels of a captured step cannot take the step number as an argument, so they read it
// from the run's StepCtl in device memory: step_begin_kernel advances it, and sets `halt`
// after a step whose loss was not finite, which turns every later kernel into a no-op.
// Fused and persistent variants: mlp_step.cu, one launch per step or one per chunk.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "layers.cuh"
#include "mlp_step.cuh"
#include "wi_cuda.h"

using wi_cuda::StepCtl;

struct WiCudaRun {
    int layers = 0, act = 0, batch = 0, count = 0, batches = 0, variant = 0;
    std::vector<int> sizes;
    std::vector<long> w_off, b_off;  // into params (and grads), floats
    long params_n = 0;
    float lr = 0;
    cudaStream_t stream = nullptr;
    float* params = nullptr;
    std::uint8_t* pixels = nullptr;
    std::uint8_t* labels = nullptr;
    int* order = nullptr;
    float* table = nullptr;
    float* losses = nullptr;  // (batches): every step's mean loss, indexed by step
    int* correct = nullptr;   // (batches)
    StepCtl* ctl = nullptr;
    int last_rows = 0;  // rows of the last step run
    // per-layer variant
    float* grads = nullptr;  // the layout of params
    float* x = nullptr;      // (batch, sizes[0])
    std::uint8_t* y = nullptr;
    float* row_loss = nullptr;
    int* row_hit = nullptr;
    std::vector<float*> z, a, dz;  // (batch, out_l) each; a[l] is z[l] with no activation
    cudaGraphExec_t graph_full = nullptr, graph_tail = nullptr;
    // fused and persistent variants
    wi_cuda::FusedPlan plan;
    float* last_z = nullptr;  // the last step's z, layer l at batch * (widths before it)
};

namespace wi_cuda {
namespace {

// Resets the step counter before a chunk (a kernel, so it is ordered on the stream like the rest).
__global__ void step_set_kernel(StepCtl* ctl, int next) { ctl->next = next; }

// The first kernel of a captured step: which step this is, and whether it runs at all.
__global__ void step_begin_kernel(StepCtl* ctl) {
    if (ctl->stop_at >= 0) {
        ctl->halt = 1;
        return;
    }
    ctl->halt = 0;
    ctl->cur = ctl->next;
    ctl->next = ctl->cur + 1;
}

template <class T>
int device_alloc(T** p, size_t count) {
    WI_CUDA_TRY(cudaMalloc(reinterpret_cast<void**>(p), count * sizeof(T)));
    return 0;
}

template <class T>
int upload(T* dst, const T* src, size_t count, cudaStream_t s) {
    WI_CUDA_TRY(cudaMemcpyAsync(dst, src, count * sizeof(T), cudaMemcpyHostToDevice, s));
    return 0;
}

// One training step of n rows on the per-layer kernels, enqueued on the run's stream (to be captured).
int enqueue_step(WiCudaRun* r, int n) {
    const cudaStream_t s = r->stream;
    const int* halt = &r->ctl->halt;
    const int L = r->layers, C = r->sizes[L];
    step_begin_kernel<<<1, 1, 0, s>>>(r->ctl);
    WI_CUDA_LAUNCHED("step_begin_kernel");
    WI_CUDA_OK(launch_gather(r->x, r->y, r->pixels, r->labels, r->order, r->ctl, r->batch, n, r->sizes[0], r->table, s));
    const float* input = r->x;
    for (int l = 0; l < L; ++l) {  // z = input W^T + b; a = f(z)
        const int in = r->sizes[l], out = r->sizes[l + 1];
        WI_CUDA_OK(launch_linear_forward(r->z[l], input, r->params + r->w_off[l], r->params + r->b_off[l], n, in, out,
                                         s, halt));
        if (l + 1 < L && r->act != WI_ACT_NONE)
            WI_CUDA_OK(launch_activation_forward(r->a[l], r->z[l], static_cast<long>(n) * out, r->act, s, halt));
        input = r->a[l];
    }
    WI_CUDA_OK(launch_cross_entropy_forward(r->row_loss, r->row_hit, r->z[L - 1], r->y, n, C, s, halt));
    WI_CUDA_OK(launch_record_step(r->ctl, r->losses, r->correct, r->row_loss, r->row_hit, n, s));
    WI_CUDA_OK(launch_cross_entropy_backward(r->dz[L - 1], r->z[L - 1], r->y, n, C, s, halt));
    for (int l = L - 1; l >= 0; --l) {  // dW, db of every layer at the weights of forward, then one SGD
        const int in = r->sizes[l], out = r->sizes[l + 1];
        const float* layer_input = l == 0 ? r->x : r->a[l - 1];
        WI_CUDA_OK(launch_linear_backward_weights(r->grads + r->w_off[l], r->grads + r->b_off[l], r->dz[l], layer_input,
                                                  n, in, out, s, halt));
        if (l > 0) {
            WI_CUDA_OK(launch_linear_backward_input(r->dz[l - 1], r->dz[l], r->params + r->w_off[l], n, in, out, s, halt));
            if (r->act != WI_ACT_NONE)
                WI_CUDA_OK(launch_activation_backward(r->dz[l - 1], r->dz[l - 1], r->z[l - 1], r->a[l - 1],
                                                      static_cast<long>(n) * in, r->act, s, halt));
        }
    }
    WI_CUDA_OK(launch_sgd(r->params, r->grads, r->params_n, r->lr, s, halt));
    return 0;
}

int capture_step(WiCudaRun* r, int n, cudaGraphExec_t* exec) {
    WI_CUDA_TRY(cudaStreamBeginCapture(r->stream, cudaStreamCaptureModeThreadLocal));
    const int rc = enqueue_step(r, n);
    cudaGraph_t graph = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(r->stream, &graph);
    if (rc != 0) {  // the launch's message stands; drop what was captured
        if (graph != nullptr) cudaGraphDestroy(graph);
        cudaGetLastError();
        return -1;
    }
    if (ended != cudaSuccess) return fail(__FILE__, __LINE__, "cudaStreamEndCapture", ended);
    const cudaError_t made = cudaGraphInstantiate(exec, graph, 0);
    cudaGraphDestroy(graph);
    if (made != cudaSuccess) return fail(__FILE__, __LINE__, "cudaGraphInstantiate", made);
    return 0;
}

int create(const WiCudaRunDesc* d, WiCudaRun* r) {
    r->layers = d->layers;
    r->act = d->act;
    r->batch = d->batch;
    r->count = d->count;
    r->batches = (d->count + d->batch - 1) / d->batch;
    r->lr = d->lr;
    r->sizes.assign(d->sizes, d->sizes + d->layers + 1);
    for (int l = 0; l < d->layers; ++l) {
        r->w_off.push_back(r->params_n);
        r->params_n += static_cast<long>(d->sizes[l + 1]) * d->sizes[l];
        r->b_off.push_back(r->params_n);
        r->params_n += d->sizes[l + 1];
    }
    size_t limit = 0;
    WI_CUDA_OK(fused_smem_limit(&limit));
    const bool fits = make_fused_plan(d->layers, d->sizes, d->batch, d->act, limit, &r->plan);
    r->variant = d->variant == WI_CUDA_AUTO ? (fits ? WI_CUDA_PERSISTENT : WI_CUDA_PER_LAYER) : d->variant;
    if (r->variant != WI_CUDA_PER_LAYER && !fits) {
        char msg[256];
        std::snprintf(msg, sizeof msg,
                      "the fused step of this shape needs %zu bytes of shared memory (at most %d layers); this GPU "
                      "allows %zu per block",
                      r->plan.bytes, kFusedMaxLayers, limit);
        return fail_msg(__FILE__, __LINE__, msg);
    }

    WI_CUDA_TRY(cudaStreamCreateWithFlags(&r->stream, cudaStreamNonBlocking));
    const size_t P = static_cast<size_t>(d->sizes[0]), B = static_cast<size_t>(d->batch);
    WI_CUDA_OK(device_alloc(&r->params, r->params_n));
    WI_CUDA_OK(device_alloc(&r->pixels, static_cast<size_t>(d->count) * P));
    WI_CUDA_OK(device_alloc(&r->labels, d->count));
    WI_CUDA_OK(device_alloc(&r->order, d->count));
    WI_CUDA_OK(device_alloc(&r->table, 256));
    WI_CUDA_OK(device_alloc(&r->losses, r->batches));
    WI_CUDA_OK(device_alloc(&r->correct, r->batches));
    WI_CUDA_OK(device_alloc(&r->ctl, 1));
    const StepCtl ctl0 = {0, 0, 0, -1};
    WI_CUDA_OK(upload(r->params, d->params, r->params_n, r->stream));
    WI_CUDA_OK(upload(r->pixels, d->pixels, static_cast<size_t>(d->count) * P, r->stream));
    WI_CUDA_OK(upload(r->labels, d->labels, d->count, r->stream));
    WI_CUDA_OK(upload(r->table, d->pixel_table, 256, r->stream));
    WI_CUDA_OK(upload(r->ctl, &ctl0, 1, r->stream));
    // order: until the first wi_cuda_run_set_order, the file order
    std::vector<int> identity(d->count);
    for (int i = 0; i < d->count; ++i) identity[i] = i;
    WI_CUDA_OK(upload(r->order, identity.data(), identity.size(), r->stream));
    WI_CUDA_TRY(cudaStreamSynchronize(r->stream));

    if (r->variant != WI_CUDA_PER_LAYER) {
        size_t widths = 0;
        for (int l = 0; l < d->layers; ++l) widths += d->sizes[l + 1];
        return device_alloc(&r->last_z, B * widths);
    }
    WI_CUDA_OK(device_alloc(&r->grads, r->params_n));
    WI_CUDA_OK(device_alloc(&r->x, B * P));
    WI_CUDA_OK(device_alloc(&r->y, B));
    WI_CUDA_OK(device_alloc(&r->row_loss, B));
    WI_CUDA_OK(device_alloc(&r->row_hit, B));
    r->z.assign(d->layers, nullptr);
    r->a.assign(d->layers, nullptr);
    r->dz.assign(d->layers, nullptr);
    for (int l = 0; l < d->layers; ++l) {
        const size_t out = static_cast<size_t>(d->sizes[l + 1]);
        WI_CUDA_OK(device_alloc(&r->z[l], B * out));
        WI_CUDA_OK(device_alloc(&r->dz[l], B * out));
        if (l + 1 < d->layers && d->act != WI_ACT_NONE)
            WI_CUDA_OK(device_alloc(&r->a[l], B * out));
        else
            r->a[l] = r->z[l];  // no activation: the next layer reads z itself
    }
    if (d->count >= d->batch) WI_CUDA_OK(capture_step(r, d->batch, &r->graph_full));
    if (d->count % d->batch != 0) WI_CUDA_OK(capture_step(r, d->count % d->batch, &r->graph_tail));
    return 0;
}

}  // namespace
}  // namespace wi_cuda

using namespace wi_cuda;

extern "C" long wi_cuda_param_count(int layers, const int* sizes) {
    long n = 0;
    for (int l = 0; l < layers; ++l) n += static_cast<long>(sizes[l + 1]) * sizes[l] + sizes[l + 1];
    return n;
}

extern "C" int wi_cuda_fused_smem(int layers, const int* sizes, int batch, int act, size_t* need, size_t* limit) {
    WI_CUDA_REQUIRE(need && limit && sizes, "wi_cuda_fused_smem: null pointer");
    *limit = 0;
    if (wi_cuda_device_count() > 0) WI_CUDA_OK(fused_smem_limit(limit));
    // Without a device, the need is given for a Hopper GPU's 227 KB (whether images fit as floats).
    FusedPlan plan;
    make_fused_plan(layers, sizes, batch, act, *limit > 0 ? *limit : 232448, &plan);
    *need = plan.bytes;
    return 0;
}

extern "C" int wi_cuda_run_create(const WiCudaRunDesc* d, WiCudaRun** run) {
    WI_CUDA_REQUIRE(d != nullptr && run != nullptr, "wi_cuda_run_create: null pointer");
    *run = nullptr;
    WI_CUDA_REQUIRE(wi_cuda_device_count() > 0, "wi_cuda_run_create: no usable GPU");
    WI_CUDA_REQUIRE(d->layers >= 1 && d->sizes != nullptr, "wi_cuda_run_create: no layers");
    for (int l = 0; l <= d->layers; ++l) WI_CUDA_REQUIRE(d->sizes[l] > 0, "wi_cuda_run_create: a width is not positive");
    WI_CUDA_REQUIRE(d->sizes[d->layers] <= 256, "wi_cuda_run_create: more than 256 classes");
    WI_CUDA_REQUIRE(d->batch >= 1 && d->count >= 1, "wi_cuda_run_create: empty batch or data set");
    WI_CUDA_REQUIRE(d->act >= WI_ACT_NONE && d->act <= WI_ACT_RELU, "wi_cuda_run_create: unknown activation");
    WI_CUDA_REQUIRE(d->variant >= WI_CUDA_AUTO && d->variant <= WI_CUDA_PERSISTENT, "wi_cuda_run_create: unknown variant");
    WI_CUDA_REQUIRE(std::isfinite(d->lr), "wi_cuda_run_create: learning rate not finite");
    WI_CUDA_REQUIRE(d->params && d->pixels && d->labels && d->pixel_table, "wi_cuda_run_create: null pointer");
    for (int i = 0; i < d->count; ++i)
        WI_CUDA_REQUIRE(d->labels[i] < d->sizes[d->layers], "wi_cuda_run_create: a label is not below the class count");
    WiCudaRun* r = new WiCudaRun;
    if (create(d, r) != 0) {
        const std::string why = wi_cuda_error();  // destroy must not hide the cause
        wi_cuda_run_destroy(r);
        return fail_msg(nullptr, 0, why.c_str());  // as it was
    }
    *run = r;
    return 0;
}

extern "C" int wi_cuda_run_variant(const WiCudaRun* r) { return r != nullptr ? r->variant : -1; }

extern "C" int wi_cuda_run_set_order(WiCudaRun* r, const int* order) {
    WI_CUDA_REQUIRE(r != nullptr && order != nullptr, "wi_cuda_run_set_order: null pointer");
    for (int i = 0; i < r->count; ++i)
        WI_CUDA_REQUIRE(order[i] >= 0 && order[i] < r->count, "wi_cuda_run_set_order: an index outside the data set");
    WI_CUDA_OK(upload(r->order, order, r->count, r->stream));
    WI_CUDA_TRY(cudaStreamSynchronize(r->stream));
    return 0;
}

extern "C" int wi_cuda_run_steps(WiCudaRun* r, int first, int steps, float* loss, int* correct, int* done) {
    WI_CUDA_REQUIRE(r && loss && correct && done, "wi_cuda_run_steps: null pointer");
    WI_CUDA_REQUIRE(first >= 0 && steps >= 1 && first + steps <= r->batches, "wi_cuda_run_steps: steps outside the epoch");
    *done = 0;
    const cudaStream_t s = r->stream;
    if (r->variant == WI_CUDA_PER_LAYER) {
        step_set_kernel<<<1, 1, 0, s>>>(r->ctl, first);
        WI_CUDA_LAUNCHED("step_set_kernel");
        for (int k = first; k < first + steps; ++k) {
            const bool short_batch = k == r->batches - 1 && r->graph_tail != nullptr;
            WI_CUDA_TRY(cudaGraphLaunch(short_batch ? r->graph_tail : r->graph_full, s));
        }
    } else {
        const int launches = r->variant == WI_CUDA_FUSED ? steps : 1;
        const int per_launch = r->variant == WI_CUDA_FUSED ? 1 : steps;
        for (int k = 0; k < launches; ++k)
            WI_CUDA_OK(launch_fused_steps(r->plan, r->params, r->pixels, r->labels, r->order, r->count, r->table,
                                          first + k * per_launch, per_launch, r->lr, r->losses, r->correct,
                                          &r->ctl->stop_at, r->last_z, s));
    }
    StepCtl ctl;
    WI_CUDA_TRY(cudaMemcpyAsync(loss, r->losses + first, steps * sizeof(float), cudaMemcpyDeviceToHost, s));
    WI_CUDA_TRY(cudaMemcpyAsync(correct, r->correct + first, steps * sizeof(int), cudaMemcpyDeviceToHost, s));
    WI_CUDA_TRY(cudaMemcpyAsync(&ctl, r->ctl, sizeof ctl, cudaMemcpyDeviceToHost, s));
    WI_CUDA_TRY(cudaStreamSynchronize(s));  // also reports a fault inside the kernels
    if (ctl.stop_at >= 0 && ctl.stop_at < first) return 0;  // stopped in an earlier chunk: nothing ran
    *done = ctl.stop_at >= first && ctl.stop_at < first + steps ? ctl.stop_at - first + 1 : steps;
    const int last = first + *done - 1;
    r->last_rows = std::min(r->batch, r->count - last * r->batch);
    return 0;
}

extern "C" int wi_cuda_run_params(WiCudaRun* r, float* params) {
    WI_CUDA_REQUIRE(r != nullptr && params != nullptr, "wi_cuda_run_params: null pointer");
    WI_CUDA_TRY(cudaMemcpyAsync(params, r->params, r->params_n * sizeof(float), cudaMemcpyDeviceToHost, r->stream));
    WI_CUDA_TRY(cudaStreamSynchronize(r->stream));
    return 0;
}

extern "C" int wi_cuda_run_outputs(WiCudaRun* r, float* z, int* rows) {
    WI_CUDA_REQUIRE(r != nullptr && z != nullptr && rows != nullptr, "wi_cuda_run_outputs: null pointer");
    WI_CUDA_REQUIRE(r->last_rows > 0, "wi_cuda_run_outputs: no step has run");
    size_t at = 0, dev = 0;
    for (int l = 0; l < r->layers; ++l) {
        const size_t n = static_cast<size_t>(r->last_rows) * r->sizes[l + 1];
        const float* src = r->variant == WI_CUDA_PER_LAYER ? r->z[l] : r->last_z + dev;
        WI_CUDA_TRY(cudaMemcpyAsync(z + at, src, n * sizeof(float), cudaMemcpyDeviceToHost, r->stream));
        at += n;
        dev += static_cast<size_t>(r->batch) * r->sizes[l + 1];
    }
    WI_CUDA_TRY(cudaStreamSynchronize(r->stream));
    *rows = r->last_rows;
    return 0;
}

extern "C" void wi_cuda_run_destroy(WiCudaRun* r) {
    if (r == nullptr) return;
    if (r->stream != nullptr) cudaStreamSynchronize(r->stream);
    if (r->graph_full != nullptr) cudaGraphExecDestroy(r->graph_full);
    if (r->graph_tail != nullptr) cudaGraphExecDestroy(r->graph_tail);
    void* buffers[] = {r->params, r->pixels, r->labels, r->order,    r->table,    r->losses, r->correct,
                       r->ctl,    r->grads,  r->x,      r->y,        r->row_loss, r->row_hit, r->last_z};
    for (void* p : buffers) cudaFree(p);
    for (int l = 0; l < static_cast<int>(r->z.size()); ++l) {
        cudaFree(r->z[l]);
        cudaFree(r->dz[l]);
        if (r->a[l] != r->z[l]) cudaFree(r->a[l]);
    }
    if (r->stream != nullptr) cudaStreamDestroy(r->stream);
    cudaGetLastError();  // cleanup is best effort; its errors are not the caller's
    delete r;
}
