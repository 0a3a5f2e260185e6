#include "linear.h"

namespace wi {

void linear_forward(float* y, const float* x, const float* W, const float* b, int B, int in, int out) {
    for (int n = 0; n < B; ++n) {
        const float* xn = x + n * in;
        float* yn = y + n * out;
        for (int o = 0; o < out; ++o) {
            const float* wo = W + o * in;  // row o of W: the weights into output o
            float acc = b[o];
            for (int i = 0; i < in; ++i) acc += xn[i] * wo[i];  // y[n,o] = b[o] + sum_i x[n,i] W[o,i]
            yn[o] = acc;
        }
    }
}

void linear_backward(float* dW, float* db, float* dx, const float* dy, const float* x, const float* W,
                     int B, int in, int out) {
    for (int o = 0; o < out; ++o) {
        float* dwo = dW + o * in;
        for (int i = 0; i < in; ++i) dwo[i] = 0.0f;
        float dbo = 0.0f;
        for (int n = 0; n < B; ++n) {
            const float g = dy[n * out + o];
            const float* xn = x + n * in;
            for (int i = 0; i < in; ++i) dwo[i] += g * xn[i];  // dW[o,i] = sum_n dy[n,o] x[n,i]
            dbo += g;                                          // db[o]   = sum_n dy[n,o]
        }
        db[o] = dbo;
    }
    if (dx == nullptr) return;
    for (int n = 0; n < B; ++n) {
        float* dxn = dx + n * in;
        for (int i = 0; i < in; ++i) dxn[i] = 0.0f;
        for (int o = 0; o < out; ++o) {
            const float g = dy[n * out + o];
            const float* wo = W + o * in;
            for (int i = 0; i < in; ++i) dxn[i] += g * wo[i];  // dx[n,i] = sum_o dy[n,o] W[o,i]
        }
    }
}

}  // namespace wi
