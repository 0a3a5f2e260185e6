#include "cross_entropy.h"

#include <cmath>

namespace wi {

int argmax(const float* z, int C) {
    int best = 0;
    for (int c = 1; c < C; ++c)
        if (z[c] > z[best]) best = c;
    return best;
}

float cross_entropy_forward(const float* logits, const std::uint8_t* targets, int B, int C, int* correct) {
    double total = 0.0;
    int hits = 0;
    for (int n = 0; n < B; ++n) {
        const float* z = logits + n * C;
        const int m_idx = argmax(z, C);
        const float m = z[m_idx];
        float sum = 0.0f;
        for (int c = 0; c < C; ++c) sum += std::exp(z[c] - m);
        // -log softmax(z)[y] = logsumexp(z) - z[y] = log sum exp(z - m) - (z[y] - m). Adding m back
        // would lose log(sum) to rounding once |m| dwarfs it (tied logits of 1e8 would give 0).
        total += static_cast<double>(std::log(sum) - (z[targets[n]] - m));
        hits += (m_idx == targets[n]);
    }
    if (correct != nullptr) *correct = hits;
    return static_cast<float>(total / B);
}

void cross_entropy_backward(float* dlogits, const float* logits, const std::uint8_t* targets, int B, int C) {
    const float inv_b = 1.0f / static_cast<float>(B);
    for (int n = 0; n < B; ++n) {
        const float* z = logits + n * C;
        float* dz = dlogits + n * C;
        const float m = z[argmax(z, C)];
        float sum = 0.0f;
        for (int c = 0; c < C; ++c) {
            dz[c] = std::exp(z[c] - m);
            sum += dz[c];
        }
        for (int c = 0; c < C; ++c) {
            const float p = dz[c] / sum;                                      // softmax(z)[c]
            dz[c] = (p - (c == targets[n] ? 1.0f : 0.0f)) * inv_b;           // (softmax - onehot) / B
        }
    }
}

}  // namespace wi
