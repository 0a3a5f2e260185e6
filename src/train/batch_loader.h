// batch_loader.h - the notebook's DataLoader: the epoch's shuffled order cut into batches,
// each batch's images normalized and its labels gathered, ready for a step.
//
// It also keeps a step's input side fast. Each batch is normalized one step early, into the
// second of two buffers, so the SIMD path may compute its first-layer product during the step
// before (the LookAhead hand-off it owns, src/cpu/mlp_fast.h; null on the reference path); and
// the images three batches ahead are asked from memory early, so they are in cache when their
// turn comes (the batches sit at random places in the data set).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "../backend/backend.h"
#include "../core/rng.h"
#include "../core/tensor.h"
#include "../cpu/mlp_fast.h"
#include "../data/mnist.h"

namespace wi {

struct Batch {
    int index = 0;                     // 0-based, within the epoch
    int first = 0;                     // its first sample's place in the epoch's order
    int rows = 0;                      // the batch size, less for a short last batch
    const float* x = nullptr;          // (rows, 784), normalized
    const std::uint8_t* y = nullptr;   // rows labels
};

class BatchLoader {
public:
    // batch samples a step of d, in a new random order each epoch when shuffle (the shuffle's
    // generator from seed); normalized by backend's loops; a look-ahead for m when backend is SIMD.
    BatchLoader(const Dataset& d, int batch, bool shuffle, std::uint64_t seed, const Backend& backend, const Mlp& m);

    int batches() const { return batches_; }  // per epoch; the last may be short, as DataLoader's
    const std::vector<int>& order() const { return order_; }  // this epoch's sample order

    void start_epoch();   // shuffles (when asked) and rewinds to the first batch
    // The epoch's next batch into b (valid until the call after next); false after the last.
    bool next(Batch& b);
    // For the SIMD step: names the next batch's inputs; null on the reference path.
    LookAhead* look_ahead() { return ahead_.get(); }

private:
    const Dataset& d_;
    const Backend& backend_;
    int batch_, batches_, next_ = 0;
    int epoch_ = 0;  // epochs started
    bool shuffle_;
    Rng rng_;
    std::vector<int> order_;
    Tensor xs_[2];                 // this batch's inputs and the next one's
    std::vector<std::uint8_t> y_;
    std::unique_ptr<LookAhead> ahead_;
};

}  // namespace wi
