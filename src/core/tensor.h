// tensor.h - a float32 matrix: 64-byte aligned storage, (rows, cols), row-major.
//
// Nothing clever: element (r, c) lives at data()[r * cols + c]. A vector is a (1, n) tensor.
// Tensors own their storage, move but do not copy implicitly (copy_from is explicit).
#pragma once
#include <cstddef>
#include <memory>

namespace wi {

class Tensor {
public:
    Tensor() = default;
    Tensor(int rows, int cols);  // zero-filled

    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;
    Tensor(const Tensor&) = delete;
    Tensor& operator=(const Tensor&) = delete;

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    std::size_t size() const { return static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_); }

    float* data() { return data_.get(); }
    const float* data() const { return data_.get(); }
    float* row(int r) { return data() + static_cast<std::size_t>(r) * cols_; }
    const float* row(int r) const { return data() + static_cast<std::size_t>(r) * cols_; }
    float& at(int r, int c) { return row(r)[c]; }
    float at(int r, int c) const { return row(r)[c]; }

    void fill(float value);
    void copy_from(const Tensor& other);  // shapes must match

private:
    struct AlignedFree {
        void operator()(float* p) const;
    };
    std::unique_ptr<float[], AlignedFree> data_;
    int rows_ = 0;
    int cols_ = 0;
};

}  // namespace wi
