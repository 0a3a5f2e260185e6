#include "stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "../core/rng.h"
#include "torch_print.h"

namespace wi {

namespace {

constexpr std::uint64_t kProbeStream = 0x4752414453ULL;  // "GRADS": the probe input's own generator

bool rows_equal(const Tensor& t, int a, int b) {
    return std::memcmp(t.row(a), t.row(b), sizeof(float) * t.cols()) == 0;
}

bool cols_equal(const Tensor& t, int a, int b) {
    for (int r = 0; r < t.rows(); ++r)
        if (std::memcmp(&t.row(r)[a], &t.row(r)[b], sizeof(float)) != 0) return false;
    return true;
}

// Number of distinct items among n, where same(i, j) says two are equal. O(n^2): n <= a few thousand.
template <class Same>
int count_distinct(int n, Same same) {
    int distinct = 0;
    for (int i = 0; i < n; ++i) {
        bool seen = false;
        for (int j = 0; j < i && !seen; ++j) seen = same(i, j);
        distinct += !seen;
    }
    return distinct;
}

void print_summary(const char* name, const Tensor& t, bool as_vector, std::FILE* out) {
    const TensorSummary s = summarize(t);
    char shape[32];
    if (as_vector)
        std::snprintf(shape, sizeof shape, "(%d,)", s.cols);
    else
        std::snprintf(shape, sizeof shape, "(%d, %d)", s.rows, s.cols);
    std::fprintf(out, "  %-16s %-10s mean % .4e  std %.4e  min % .4e  max % .4e  ", name, shape, s.mean, s.std, s.min,
                 s.max);
    if (as_vector)
        std::fprintf(out, "distinct values %d of %d\n", s.distinct_cols, s.cols);
    else
        std::fprintf(out, "distinct rows %d of %d, distinct columns %d of %d\n", s.distinct_rows, s.rows,
                     s.distinct_cols, s.cols);
}

}  // namespace

TensorSummary summarize(const Tensor& t) {
    TensorSummary s;
    s.rows = t.rows();
    s.cols = t.cols();
    const std::size_t n = t.size();
    if (n == 0) return s;
    double sum = 0, sq = 0;
    s.min = s.max = t.data()[0];
    for (std::size_t i = 0; i < n; ++i) {
        const double v = t.data()[i];
        sum += v;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
    }
    s.mean = sum / n;
    for (std::size_t i = 0; i < n; ++i) sq += (t.data()[i] - s.mean) * (t.data()[i] - s.mean);
    s.std = std::sqrt(sq / n);
    s.distinct_rows = count_distinct(t.rows(), [&](int a, int b) { return rows_equal(t, a, b); });
    s.distinct_cols = count_distinct(t.cols(), [&](int a, int b) { return cols_equal(t, a, b); });
    return s;
}

void gradient_probe(Mlp& m, std::uint64_t seed) {
    Rng rng(seed ^ kProbeStream);
    Tensor x(1, m.sizes.front());
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.normal());  // torch.randn(1, 784)
    const std::uint8_t target = 1;                                                             // torch.tensor([1])
    Workspace ws = make_workspace(m, 1);
    mlp_forward(m, ws, x.data(), 1);
    mlp_backward(m, ws, x.data(), &target, 1);
}

void print_gradients(const Mlp& m, GradsMode mode, std::FILE* out) {
    std::fprintf(out, "gradients of one forward/backward: input N(0,1) of shape (1, %d), target class 1\n",
                 m.sizes.front());
    for (std::size_t l = 0; l < m.layers.size(); ++l) {
        const Layer& L = m.layers[l];
        const std::string w = "fc" + std::to_string(l + 1) + ".weight.grad";
        const std::string b = "fc" + std::to_string(l + 1) + ".bias.grad";
        if (mode == GradsMode::Full) {
            std::fprintf(out, "Layer fc%zu weight gradients:\n", l + 1);
            std::fputs(torch_text(L.dW, false).c_str(), out);
            std::fprintf(out, "Layer fc%zu bias gradients:\n", l + 1);
            std::fputs(torch_text(L.db, true).c_str(), out);
        }
        print_summary(w.c_str(), L.dW, false, out);
        print_summary(b.c_str(), L.db, true, out);
    }
    std::fflush(out);
}

}  // namespace wi
