#include "npy.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "../core/error.h"
#include "../core/fsutil.h"
#include "npy_header.h"

namespace wi {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// The most bytes before the header: magic, version, a 4-byte header length.
constexpr std::size_t kMaxPreamble = kMagicLen + 2 + 4;

std::string shape_text(const std::vector<int>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        s += std::to_string(shape[i]);
        if (shape.size() == 1 || i + 1 < shape.size()) s += shape.size() == 1 ? "," : ", ";
    }
    return s + ")";
}

// The whole file if it holds at most max_bytes. A longer one is read only as far as its header
// could reach (head_bytes), never in full, and *longer is its size (else 0): what is wrong with
// it (a float64 array, another shape) can then be said rather than just its size.
std::string read_bounded(const std::string& path, std::uint64_t max_bytes, std::size_t head_bytes,
                         std::uint64_t* longer) {
    InputFile f(path);
    *longer = f.size() > max_bytes ? f.size() : 0;
    const std::uint64_t limit = *longer ? std::min<std::uint64_t>(head_bytes, max_bytes) : max_bytes;
    std::string bytes(static_cast<std::size_t>(std::min<std::uint64_t>(f.size(), limit)), '\0');
    std::size_t have = 0;
    while (true) {
        if (have == bytes.size()) {
            if (*longer || bytes.size() > max_bytes) break;
            bytes.resize(bytes.size() + 1);  // a file that grew since it was opened is seen as longer
        }
        const ssize_t got = ::read(f.fd(), &bytes[have], bytes.size() - have);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw Error(path + ": read error (" + std::strerror(errno) + ")");
        if (got == 0) break;
        have += static_cast<std::size_t>(got);
    }
    bytes.resize(have);
    if (have > max_bytes) throw Error(path + ": grew past the limit of " + std::to_string(max_bytes) + " bytes while read");
    return bytes;
}

}  // namespace

std::string npy_bytes(const Tensor& t, const std::vector<int>& shape) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
    // magic(6) + version(2) + length(2) + header + '\n' is padded with spaces to a multiple of 64
    const std::size_t unpadded = kMagicLen + 2 + 2 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    std::string out(kMagic, kMagicLen);
    out.push_back('\x01');
    out.push_back('\x00');
    out.push_back(static_cast<char>(header.size() & 0xff));
    out.push_back(static_cast<char>((header.size() >> 8) & 0xff));
    out += header;
    static_assert(sizeof(float) == 4, "float32 expected");
    // x86-64 and ARM are little-endian, like '<f4'
    out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(float));
    return out;
}

void write_npy(const std::string& path, const Tensor& t, const std::vector<int>& shape) {
    write_file_atomic(path, npy_bytes(t, shape));
}

void read_npy(const std::string& path, Tensor& t, const std::vector<int>& expected_shape) {
    // No valid file for the expected shape is longer than the largest header plus the data, so
    // of a longer one only the header is read (and no memory is allocated for the rest).
    const std::uint64_t max_bytes = kMaxPreamble + kNpyMaxHeader + std::uint64_t(t.size()) * sizeof(float);
    std::uint64_t longer = 0;
    const std::string bytes = read_bounded(path, max_bytes, kMaxPreamble + kNpyMaxHeader, &longer);
    const NpyHeader h = parse_npy_header(bytes, path);
    bool same = h.shape.size() == expected_shape.size();
    for (std::size_t i = 0; same && i < h.shape.size(); ++i) same = h.shape[i] == expected_shape[i];
    if (!same) {
        std::string got = "(";
        for (std::size_t i = 0; i < h.shape.size(); ++i) got += (i ? ", " : "") + std::to_string(h.shape[i]);
        got += h.shape.size() == 1 ? ",)" : ")";
        throw Error(path + ": shape " + got + ", expected " + shape_text(expected_shape));
    }
    if (longer)
        throw Error(path + ": " + std::to_string(longer) + " bytes, over the limit of " + std::to_string(max_bytes) +
                    " bytes for a float32 array of shape " + shape_text(expected_shape) + " and its header");
    const std::size_t want = t.size() * sizeof(float);
    if (bytes.size() - h.data_at < want)
        throw Error(path + ": truncated: " + std::to_string(bytes.size() - h.data_at) + " bytes of data, expected " +
                    std::to_string(want));
    if (bytes.size() - h.data_at > want)
        throw Error(path + ": " + std::to_string(bytes.size() - h.data_at - want) + " trailing bytes after the data");
    std::memcpy(t.data(), bytes.data() + h.data_at, want);
    if (h.big_endian) {
        auto* p = reinterpret_cast<unsigned char*>(t.data());
        for (std::size_t i = 0; i < want; i += 4) {
            std::swap(p[i], p[i + 3]);
            std::swap(p[i + 1], p[i + 2]);
        }
    }
    // Column-major data of a matrix: transposed into the row-major layout a Tensor has.
    if (h.fortran_order && h.shape.size() == 2) {
        const std::size_t rows = static_cast<std::size_t>(h.shape[0]), cols = static_cast<std::size_t>(h.shape[1]);
        std::vector<float> col_major(t.data(), t.data() + t.size());
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c) t.data()[r * cols + c] = col_major[c * rows + r];
    }
}

}  // namespace wi
