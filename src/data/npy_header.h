// npy_header.h - the preamble and header of a NumPy .npy file, read the way numpy reads it.
//
// A .npy file is the magic "\x93NUMPY", a version byte pair (1.0, 2.0 or 3.0), the header
// length (2 bytes in 1.0, 4 in 2.0 and 3.0, little-endian), then the header: the text of a
// Python dict literal with exactly the keys 'descr', 'fortran_order' and 'shape'. numpy reads
// that text with ast.literal_eval, so the reader here takes the same Python syntax: whitespace
// and comments anywhere, backslash line joins, single, double or triple quotes (a u or r prefix),
// adjacent strings joined, integers in any base with '_' separators and unary signs, a trailing
// comma, parentheses around any value, and (formats 1.0 and 2.0, as numpy filters it) an 'L'
// after an integer. Like numpy it refuses anything else, a header over 10000 bytes, a
// negative dimension and a non-integer one. Deliberately stricter than numpy: a key given twice
// (numpy keeps the last), a NUL or non-ASCII byte anywhere (numpy allows one in a comment), a
// backslash escape inside a string, a sign before parentheses, and data past the array's end
// (numpy ignores it).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace wi {

// The longest header numpy.load reads without allow_pickle (numpy's _MAX_HEADER_SIZE).
constexpr std::size_t kNpyMaxHeader = 10000;

struct NpyHeader {
    std::size_t data_at = 0;         // where the array's bytes begin
    std::vector<long long> shape;    // () for a scalar
    bool fortran_order = false;      // column-major data
    bool big_endian = false;         // '>f4'
};

// Parses the preamble and header of a float32 .npy file held in bytes; throws wi::Error
// ("path: problem") for anything numpy would refuse, and for a dtype other than float32
// (which numpy reads, but wi does not).
NpyHeader parse_npy_header(const std::string& bytes, const std::string& path);

}  // namespace wi
