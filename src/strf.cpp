#include "strf.h"

#include <cstdarg>
#include <cstdio>

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

}  // namespace wi
