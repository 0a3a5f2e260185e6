// torch_print.h - a tensor as print(tensor) shows it in PyTorch with the default print options
// (precision 4, threshold 1000, edgeitems 3, linewidth 80), so --grads=full reads like the
// notebook's cell.
#pragma once
#include <string>

#include "../core/tensor.h"

namespace wi {

// "tensor([...])" and a newline. as_vector: t (one row) is printed as a 1-D tensor, as a bias is.
std::string torch_text(const Tensor& t, bool as_vector);

}  // namespace wi
