#include "batch_loader.h"

#include <algorithm>
#include <numeric>

#include "../data/idx.h"
#include "shuffle.h"

namespace wi {

BatchLoader::BatchLoader(const Dataset& d, int batch, bool shuffle, std::uint64_t seed, const Backend& backend,
                         const Mlp& m)
    : d_(d), backend_(backend), batch_(batch), batches_((d.count + batch - 1) / batch), shuffle_(shuffle),
      rng_(shuffle_rng(seed)), order_(d.count), xs_{Tensor(batch, kImagePixels), Tensor(batch, kImagePixels)},
      y_(batch) {
    std::iota(order_.begin(), order_.end(), 0);
    if (!backend.is_reference()) ahead_ = std::make_unique<LookAhead>(make_look_ahead(m, batch));
}

void BatchLoader::start_epoch() {
    ++epoch_;
    if (shuffle_) shuffle_order(order_, rng_);
    next_ = 0;
}

bool BatchLoader::next(Batch& out) {
    if (next_ >= batches_) return false;
    const int b = next_++;
    const int first = b * batch_;
    const int n = std::min(batch_, d_.count - first);
    const int* idx = order_.data() + first;
    float* x = xs_[b % 2].data();
    if (b == 0) backend_.normalize(x, d_, idx, n);  // later ones: the batch before
    for (int i = 0; i < n; ++i) y_[i] = d_.labels[idx[i]];
    const int next_n = std::min(batch_, d_.count - (first + n));  // 0 after the last batch
    float* next_x = next_n > 0 ? xs_[(b + 1) % 2].data() : nullptr;
    if (next_x) backend_.normalize(next_x, d_, idx + n, next_n);
    // The batches to come sit at random places in the data set: ask for the one three steps
    // ahead now, so it is in cache when its turn to be normalized comes (one step ahead is too
    // late to hide a TLB miss and a memory access behind a batch-4 step).
    for (int i = first + n + next_n + batch_; i < std::min(first + n + next_n + 2 * batch_, d_.count); ++i)
        for (int off = 0; off < kImagePixels; off += 64)
            __builtin_prefetch(d_.pixels.data() + static_cast<std::size_t>(order_[i]) * kImagePixels + off);
    if (ahead_) {
        ahead_->next_x = next_x;
        ahead_->next_rows = next_n;
    }
    out = {b, first, n, x, y_.data()};
    return true;
}

}  // namespace wi
