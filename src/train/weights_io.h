// weights_io.h - a whole MLP to and from .npy files named as PyTorch indexes Linear layers:
// fc1.weight.npy (out, in), fc1.bias.npy (out,), fc2.weight.npy, ...
#pragma once
#include <string>

#include "../nn/mlp.h"

namespace wi {

// Creates dir if needed; afterwards dir holds exactly m: wi's own fc<N>.* files for layers m
// lacks (from a deeper model saved there before) are removed, other files are left alone.
void save_weights(const Mlp& m, const std::string& dir);
void load_weights(Mlp& m, const std::string& dir);        // shapes checked against m's architecture

}  // namespace wi
