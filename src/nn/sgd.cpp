#include "sgd.h"

namespace wi {

void sgd_step(float* p, const float* g, std::size_t n, float lr) {
    for (std::size_t i = 0; i < n; ++i) p[i] -= lr * g[i];
}

}  // namespace wi
