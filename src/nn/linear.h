// linear.h - the fully connected layer, PyTorch's layout: W is (out, in), y = x W^T + b.
//
// Plain functions on raw row-major buffers, one forward and one backward, as in llm.c.
// B is the number of rows (samples) in this batch; it may be smaller than the buffers.
#pragma once

namespace wi {

// y (B,out) = x (B,in) W^T + b;   W is (out,in), b is (out)
void linear_forward(float* y, const float* x, const float* W, const float* b, int B, int in, int out);

// Given dy = dL/dy (B,out):
//   dW (out,in) = dy^T x      db (out) = sum over the batch of dy      dx (B,in) = dy W
// dW and db are overwritten (not accumulated). dx may be null (first layer: nobody needs it).
void linear_backward(float* dW, float* db, float* dx, const float* dy, const float* x, const float* W,
                     int B, int in, int out);

}  // namespace wi
