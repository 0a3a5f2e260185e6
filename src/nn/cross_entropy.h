// cross_entropy.h - softmax + negative log-likelihood, fused and numerically stable.
//
// PyTorch's nn.CrossEntropyLoss with reduction='mean': logits are raw scores (no softmax
// layer before), the loss is the mean over the batch of  -log softmax(z_n)[y_n].
#pragma once
#include <cstdint>

namespace wi {

// logits (B,C), targets (B) in [0,C). Returns mean_n ( logsumexp(z_n) - z_n[y_n] ), computed as
// m + log(sum_c exp(z_c - m)) with m = max_c z_c so exp never overflows.
// If correct is not null, *correct = number of rows whose argmax (first maximum) equals the target.
float cross_entropy_forward(const float* logits, const std::uint8_t* targets, int B, int C, int* correct);

// dlogits (B,C) = (softmax(z) - onehot(y)) / B   -- the gradient of the mean loss above.
void cross_entropy_backward(float* dlogits, const float* logits, const std::uint8_t* targets, int B, int C);

// index of the first maximum of z[0..C)
int argmax(const float* z, int C);

}  // namespace wi
