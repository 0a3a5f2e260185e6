// strf.h - printf into a std::string, for the report lines and tables built as text.
#pragma once
#include <string>

namespace wi {

// The printf of fmt and the arguments, whole (no length limit).
std::string strf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// The shortest %g text that reads back as exactly v: 0.1 -> "0.1" (not 0.10000000000000001),
// 1e-08 -> "1e-08". shortest_float reads back as the same float32.
std::string shortest_double(double v);
std::string shortest_float(float v);

}  // namespace wi
