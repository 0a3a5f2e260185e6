// sgd.h - plain stochastic gradient descent, no momentum, no weight decay (torch.optim.SGD(lr)).
#pragma once
#include <cstddef>

namespace wi {

// p <- p - lr * g, n elements
void sgd_step(float* p, const float* g, std::size_t n, float lr);

}  // namespace wi
