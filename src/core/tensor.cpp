#include "tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace wi {

constexpr std::size_t kAlignment = 64;  // one cache line; also the AVX-512 register width

void Tensor::AlignedFree::operator()(float* p) const { ::operator delete(p, std::align_val_t(kAlignment)); }

Tensor::Tensor(int rows, int cols) : rows_(rows), cols_(cols) {
    if (rows < 0 || cols < 0) throw std::invalid_argument("Tensor: negative shape");
    std::size_t bytes = size() * sizeof(float);
    bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;  // whole cache lines
    if (bytes == 0) bytes = kAlignment;
    void* p = ::operator new(bytes, std::align_val_t(kAlignment));  // throws std::bad_alloc
    std::memset(p, 0, bytes);
    data_.reset(static_cast<float*>(p));
}

void Tensor::fill(float value) {
    for (std::size_t i = 0; i < size(); ++i) data()[i] = value;
}

void Tensor::copy_from(const Tensor& other) {
    if (other.rows_ != rows_ || other.cols_ != cols_) throw std::invalid_argument("Tensor::copy_from: shape mismatch");
    if (size() > 0) std::memcpy(data(), other.data(), size() * sizeof(float));
}

}  // namespace wi
