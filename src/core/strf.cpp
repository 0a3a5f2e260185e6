#include "strf.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace wi {

std::string strf(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    const int n = std::vsnprintf(nullptr, 0, fmt, args);  // the length first, then the text
    va_end(args);
    std::string s(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
    if (n > 0) std::vsnprintf(&s[0], s.size() + 1, fmt, again);
    va_end(again);
    return s;
}

std::string shortest_double(double v) {
    for (int digits = 1;; ++digits) {
        const std::string s = strf("%.*g", digits, v);
        if (digits >= 17 || std::strtod(s.c_str(), nullptr) == v) return s;
    }
}

std::string shortest_float(float v) {
    for (int digits = 1;; ++digits) {
        const std::string s = strf("%.*g", digits, static_cast<double>(v));
        if (digits >= 9 || std::strtof(s.c_str(), nullptr) == v) return s;
    }
}

}  // namespace wi
