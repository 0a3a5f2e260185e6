#include "gpu_run.h"

#include <algorithm>
#include <cstdio>

#include "../../kernels/wi_cuda.h"
#include "../data/idx.h"
#include "../core/error.h"

namespace wi {

namespace {

[[noreturn]] void cuda_failed(const std::string& what) { throw Error("cuda: " + what + ": " + wi_cuda_error()); }

int act_code(Activation a) {
    switch (a) {
        case Activation::None: return WI_ACT_NONE;
        case Activation::Sigmoid: return WI_ACT_SIGMOID;
        case Activation::Tanh: return WI_ACT_TANH;
        case Activation::Relu: return WI_ACT_RELU;
    }
    return WI_ACT_NONE;
}

// The CPU's normalization table, read back through normalize_batch itself, so both paths
// see the same floats: one image whose first 256 pixels are the bytes 0..255.
std::vector<float> pixel_table() {
    Dataset d;
    d.count = 1;
    d.pixels.assign(kImagePixels, 0);
    for (int p = 0; p < 256; ++p) d.pixels[p] = static_cast<std::uint8_t>(p);
    d.labels = {0};
    std::vector<float> x(kImagePixels);
    const int idx = 0;
    normalize_batch(x.data(), d, &idx, 1);
    return std::vector<float>(x.begin(), x.begin() + 256);
}

}  // namespace

const char* gpu_variant_name(GpuVariant v) {
    switch (v) {
        case GpuVariant::Auto: return "auto";
        case GpuVariant::PerLayer: return "per-layer kernels in a CUDA graph";
        case GpuVariant::Fused: return "fused step, one launch per step";
        case GpuVariant::Persistent: return "fused persistent step";
    }
    return "?";
}

bool gpu_compiled() { return wi_cuda_compiled() != 0; }
bool gpu_present() { return wi_cuda_device_count() > 0; }
std::string gpu_absence() { return wi_cuda_no_device_reason(); }

std::string gpu_name() {
    char name[256];
    return gpu_present() && wi_cuda_device_name(name, sizeof name) == 0 ? std::string(name) : std::string();
}

std::string gpu_plan_text(const std::vector<int>& sizes, Activation act, int batch) {
    std::size_t need = 0, limit = 0;
    const int layers = static_cast<int>(sizes.size()) - 1;
    if (wi_cuda_fused_smem(layers, sizes.data(), batch, act_code(act), &need, &limit) != 0) return "no GPU";
    char text[256];
    if (need <= limit)
        std::snprintf(text, sizeof text, "%s, %.0f KB shared memory", gpu_variant_name(GpuVariant::Persistent),
                      need / 1024.0);
    else
        std::snprintf(text, sizeof text, "%s (the fused step would need %.0f KB of shared memory, %.0f KB here)",
                      gpu_variant_name(GpuVariant::PerLayer), need / 1024.0, limit / 1024.0);
    return text;
}

GpuRun::GpuRun(const Mlp& m, const Dataset& train, int batch, float lr, GpuVariant variant)
    : batch_(batch), count_(train.count) {
    if (!gpu_present()) throw Error("cuda: no usable GPU (" + gpu_absence() + ")");
    for (const Layer& L : m.layers) {
        flat_.insert(flat_.end(), L.W.data(), L.W.data() + L.W.size());
        flat_.insert(flat_.end(), L.b.data(), L.b.data() + L.b.size());
    }
    std::size_t widths = 0;
    for (const Layer& L : m.layers) widths += static_cast<std::size_t>(L.out);
    z_.resize(widths * static_cast<std::size_t>(batch));
    const std::vector<float> table = pixel_table();
    WiCudaRunDesc d{};
    d.layers = static_cast<int>(m.layers.size());
    d.sizes = m.sizes.data();
    d.act = act_code(m.act);
    d.batch = batch;
    d.lr = lr;
    d.params = flat_.data();
    d.pixels = train.pixels.data();
    d.labels = train.labels.data();
    d.count = train.count;
    d.pixel_table = table.data();
    d.variant = static_cast<int>(variant);  // GpuVariant follows WI_CUDA_*'s order
    if (wi_cuda_run_create(&d, &run_) != 0) cuda_failed("starting a training run");
}

GpuRun::~GpuRun() { wi_cuda_run_destroy(run_); }

GpuVariant GpuRun::variant() const { return static_cast<GpuVariant>(wi_cuda_run_variant(run_)); }

void GpuRun::set_order(const std::vector<int>& order) {
    if (static_cast<int>(order.size()) != count_) throw Error("cuda: the order must name every training image once");
    if (wi_cuda_run_set_order(run_, order.data()) != 0) cuda_failed("uploading the epoch's order");
}

int GpuRun::run(int first, int count, float* loss, int* correct) {
    int done = 0;
    if (wi_cuda_run_steps(run_, first, count, loss, correct, &done) != 0) cuda_failed("training steps");
    return done;
}

void GpuRun::download(Mlp& m) {
    if (wi_cuda_run_params(run_, flat_.data()) != 0) cuda_failed("reading the weights back");
    const float* p = flat_.data();
    for (Layer& L : m.layers) {
        std::copy(p, p + L.W.size(), L.W.data());
        p += L.W.size();
        std::copy(p, p + L.b.size(), L.b.data());
        p += L.b.size();
    }
}

int GpuRun::download_outputs(Workspace& ws) {
    int rows = 0;
    if (wi_cuda_run_outputs(run_, z_.data(), &rows) != 0) cuda_failed("reading the last step's outputs");
    const float* p = z_.data();
    for (std::size_t l = 0; l < ws.z.size(); ++l) {
        const std::size_t n = static_cast<std::size_t>(rows) * ws.z[l].cols();
        std::copy(p, p + n, ws.z[l].data());
        p += n;
    }
    return rows;
}

}  // namespace wi
