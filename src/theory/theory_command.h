// theory_command.h - `wi theory`: the mean-field quantities (meanfield.h) over a grid of
// (sigma_w^2, sigma_b^2), as a table or CSV, and with --depth a trainability verdict per point.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

namespace wi {

// "1,2,3" or "A..B:N" (N >= 2 values evenly spaced, both ends included). Throws wi::Error naming
// flag for anything else (an empty item, not a number, NaN, N < 2).
std::vector<double> parse_theory_values(const std::string& flag, const std::string& text);

// The arguments after `theory`. Writes to out; returns the exit status. Usage errors throw wi::Error.
int theory_command(const std::vector<std::string>& args, std::FILE* out);

}  // namespace wi
