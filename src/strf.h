// strf.h - printf into a std::string, for the report lines and tables built as text.
#pragma once
#include <string>

namespace wi {

// The printf of fmt and the arguments, whole (no length limit).
std::string strf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace wi
