#include "torch_print.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../core/strf.h"

namespace wi {

namespace {

constexpr std::size_t kThreshold = 1000;  // more elements than this: summarized
constexpr int kEdge = 3;                  // a summarized dimension keeps its first and last 3
constexpr int kLineWidth = 80;

// How torch's _Formatter prints one tensor's numbers: all integers ("3."), fixed ("0.1250") or
// scientific ("1.2500e-05"), chosen from the nonzero finite values, padded to the widest.
class Formatter {
public:
    explicit Formatter(const std::vector<double>& values) {
        std::vector<double> nz;
        for (double v : values)
            if (std::isfinite(v) && v != 0) nz.push_back(v);
        if (nz.empty()) return;
        double lo = INFINITY, hi = 0;
        for (double v : nz) {
            lo = std::min(lo, std::fabs(v));
            hi = std::max(hi, std::fabs(v));
            int_mode_ = int_mode_ && v == std::ceil(v);
        }
        sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
        for (double v : nz) {
            const std::size_t w = sci_mode_ ? strf("%.4e", v).size() : int_mode_ ? strf("%.0f", v).size() + 1 : strf("%.4f", v).size();
            width_ = std::max(width_, static_cast<int>(w));
        }
    }
    int width() const { return width_; }
    std::string format(double v) const {
        std::string s;
        if (std::isnan(v))
            s = "nan";  // Python writes no sign on a NaN
        else if (std::isinf(v))
            s = v > 0 ? "inf" : "-inf";
        else if (sci_mode_)
            s = strf("%.4e", v);
        else if (int_mode_)
            s = strf("%.0f.", v);
        else
            s = strf("%.4f", v);
        return std::string(std::max(0, width_ - static_cast<int>(s.size())), ' ') + s;
    }

private:
    bool int_mode_ = true, sci_mode_ = false;
    int width_ = 1;
};

// The indices of a dimension of size n that are printed: all, or the first and last kEdge.
std::vector<int> shown(int n, bool summarize) {
    std::vector<int> idx;
    for (int i = 0; i < n; ++i)
        if (!summarize || n <= 2 * kEdge || i < kEdge || i >= n - kEdge) idx.push_back(i);
    return idx;
}

// torch's _vector_str: the elements, " ..." where some are left out, as many a line as fit.
std::string vector_text(const float* v, int n, int indent, bool summarize, const Formatter& f) {
    std::vector<std::string> items;
    for (int i : shown(n, summarize)) {
        if (summarize && n > 2 * kEdge && i == n - kEdge) items.push_back(" ...");
        items.push_back(f.format(v[i]));
    }
    const std::size_t per_line = std::max(1, (kLineWidth - indent) / (f.width() + 2));
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) s += i % per_line == 0 ? ",\n" + std::string(indent + 1, ' ') : ", ";
        s += items[i];
    }
    return s + "]";
}

}  // namespace

std::string torch_text(const Tensor& t, bool as_vector) {
    const bool summarize = t.size() > kThreshold;
    const int rows = as_vector ? 1 : t.rows();
    const int cols = as_vector ? static_cast<int>(t.size()) : t.cols();
    // the formatter sees only what is printed, as torch's does
    std::vector<double> values;
    for (int r : shown(rows, summarize && !as_vector))
        for (int c : shown(cols, summarize)) values.push_back(t.data()[static_cast<std::size_t>(r) * cols + c]);
    const Formatter f(values);
    constexpr int kIndent = 7;  // "tensor("
    if (as_vector) return "tensor(" + vector_text(t.data(), cols, kIndent, summarize, f) + ")\n";
    std::string s = "tensor([";
    bool first = true;
    for (int r : shown(rows, summarize)) {
        if (!first) s += ",\n" + std::string(kIndent + 1, ' ');
        if (summarize && rows > 2 * kEdge && r == rows - kEdge) s += "...,\n" + std::string(kIndent + 1, ' ');
        s += vector_text(t.data() + static_cast<std::size_t>(r) * cols, cols, kIndent + 1, summarize, f);
        first = false;
    }
    return s + "])\n";
}

}  // namespace wi
