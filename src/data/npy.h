// npy.h - NumPy .npy files for weights in and out, so they round-trip with PyTorch.
//
// Written as format 1.0, dtype '<f4' (little-endian float32), C order. A weight W (out,in)
// is saved with shape (out, in), a bias with shape (out,) - exactly what
// numpy.save(path, linear.weight.detach().numpy()) writes.
// The reader takes what numpy.load takes (see npy_header.h) for a float32 array, big-endian or
// Fortran-ordered too, checks the shape and the exact file length, and reads only a regular file.
#pragma once
#include <string>
#include <vector>

#include "../core/tensor.h"

namespace wi {

// shape: {rows, cols} or {n}; its product must equal t.size().
std::string npy_bytes(const Tensor& t, const std::vector<int>& shape);
void write_npy(const std::string& path, const Tensor& t, const std::vector<int>& shape);

// Reads path into t, which must already have the expected size; the file's shape must equal
// expected_shape exactly. Throws wi::Error naming the file and the problem.
void read_npy(const std::string& path, Tensor& t, const std::vector<int>& expected_shape);

}  // namespace wi
