// test_alloc.cpp - the training step allocates nothing: a counting operator new proves it.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "backend/backend.h"
#include "data/mnist.h"
#include "init/init.h"
#include "nn/cross_entropy.h"
#include "nn/mlp.h"
#include "test_util.h"
#include "train/batch_loader.h"

namespace {
std::atomic<long> g_allocations{0};
}

// Replaces the global allocation functions for this test binary: every new is counted.
// (gcc cannot see that new and delete are replaced together, and warns that free() meets new.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t al) {  // Tensor's 64-byte aligned storage
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    const std::size_t a = static_cast<std::size_t>(al);
    if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace wi;

BOOST_AUTO_TEST_CASE(training_step_does_not_allocate) {
    const MnistData data = load_mnist_dir(wi_test::sample_dir(), "sample");
    for (const Backend& path : {Backend::reference(), Backend::choose("simd")})
    for (Activation act : {Activation::None, Activation::Sigmoid, Activation::Tanh, Activation::Relu}) {
        Mlp m = make_mlp({784, 32, 32, 10}, act);
        Rng rng(3);
        initialize(m, find_initializer("xavier"), rng, InitOptions{});
        const int B = 4;
        Workspace ws = make_workspace(m, B);
        BatchLoader loader(data.train, B, true, 1, path, m);
        loader.start_epoch();
        Batch batch;
        const long before = g_allocations.load();
        for (int step = 0; step < 200; ++step) {
            // the trainer's per-step work, all of it: the loader's next batch (its labels, the
            // next batch's images normalized ahead), the step with its look-ahead
            if (!loader.next(batch)) break;  // an epoch has 2,000 batches
            int correct = 0;
            path.train_step(m, ws, batch.x, batch.y, batch.rows, 0.001f, &correct, loader.look_ahead());
        }
        const long allocations = g_allocations.load() - before;  // before the message below allocates
        BOOST_TEST(allocations == 0, path.name() << " " << activation_name(act) << ": allocations inside the step");
    }
    // and the counter does count
    const long before = g_allocations.load();
    Tensor t(2, 2);
    BOOST_TEST(g_allocations.load() - before == 1);
    Workspace ws = make_workspace(make_mlp({784, 10}, Activation::None), 1);
    BOOST_TEST(g_allocations.load() - before > 3);
}
