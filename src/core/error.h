// error.h - the one exception type wi throws for user-facing problems.
//
// Anything a user can cause (a bad flag, a malformed file, an unwritable directory) is
// reported by throwing wi::Error with a message that names the thing and the problem;
// main() prints it as "wi: <message>" and exits with status 2.
#pragma once
#include <stdexcept>
#include <string>

namespace wi {

struct Error : std::runtime_error {
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

constexpr int kExitUsage = 2;  // bad flags, bad data, unwritable output

}  // namespace wi
