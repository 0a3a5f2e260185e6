#include "npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "../error.h"
#include "../fsutil.h"

namespace wi {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// The longest header read (formats 2.0 and 3.0 allow 4 GiB; numpy writes about a hundred bytes).
constexpr std::size_t kMaxHeader = 1 << 16;
// The most bytes before the header: magic, version, a 4-byte header length.
constexpr std::size_t kMaxPreamble = kMagicLen + 2 + 4;
// A shape may hold at most this many elements (2^31 float32, 8 GiB); a header whose shape is
// larger, or whose product would overflow, is refused as it is read.
constexpr long long kMaxElements = 1LL << 31;

std::string shape_text(const std::vector<int>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        s += std::to_string(shape[i]);
        if (shape.size() == 1 || i + 1 < shape.size()) s += shape.size() == 1 ? "," : ", ";
    }
    return s + ")";
}

// The value text after 'key': in a header dict, up to the next top-level comma or brace.
std::string dict_value(const std::string& header, const std::string& key) {
    const std::size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) return "";
    std::size_t p = header.find(':', k);
    if (p == std::string::npos) return "";
    ++p;
    while (p < header.size() && header[p] == ' ') ++p;
    int depth = 0;
    std::size_t end = p;
    for (; end < header.size(); ++end) {
        const char c = header[end];
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (depth == 0 && (c == ',' || c == '}')) break;
        if (depth < 0) break;
    }
    return header.substr(p, end - p);
}

std::vector<long long> parse_shape(const std::string& text, const std::string& path) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') throw Error(path + ": cannot read the shape");
    std::vector<long long> dims;
    std::stringstream ss(text.substr(1, text.size() - 2));
    std::string item;
    while (std::getline(ss, item, ',')) {
        const std::size_t b = item.find_first_not_of(' ');
        if (b == std::string::npos) continue;
        const std::string digits = item.substr(b, item.find_last_not_of(' ') - b + 1);
        if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos)
            throw Error(path + ": bad dimension '" + digits + "' in shape " + text);
        dims.push_back(std::stoll(digits));
    }
    long long elements = 1;
    for (long long d : dims) {
        if (d != 0 && elements > kMaxElements / d)
            throw Error(path + ": shape " + text + " holds more than " + std::to_string(kMaxElements) +
                        " elements, the limit");
        elements *= d;
    }
    return dims;
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
    if (!is_file(path)) throw Error(path + ": no such file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    // No valid file for the expected shape is longer than the largest header plus the data, so
    // a longer one is refused before it is read (and before memory is allocated for it).
    const std::uint64_t max_bytes = kMaxPreamble + kMaxHeader + std::uint64_t(t.size()) * sizeof(float);
    in.seekg(0, std::ios::end);
    const std::streamoff file_bytes = in.tellg();
    in.seekg(0, std::ios::beg);
    if (file_bytes < 0 || !in) throw Error(path + ": cannot read its size");
    if (static_cast<std::uint64_t>(file_bytes) > max_bytes)
        throw Error(path + ": " + std::to_string(file_bytes) + " bytes, over the limit of " + std::to_string(max_bytes) +
                    " bytes for a float32 array of shape " + shape_text(expected_shape) + " and its header");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < kMagicLen + 4 || bytes.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
        throw Error(path + ": not a .npy file (bad magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    std::size_t header_len = 0, header_at = 0;
    if (major == 1) {
        header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        header_at = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw Error(path + ": truncated .npy header");
        for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
        header_at = 12;
    } else {
        throw Error(path + ": unsupported .npy format version " + std::to_string(major));
    }
    if (header_len > kMaxHeader)
        throw Error(path + ": a .npy header of " + std::to_string(header_len) + " bytes, over the limit of " +
                    std::to_string(kMaxHeader));
    if (header_at + header_len > bytes.size()) throw Error(path + ": truncated .npy header");
    const std::string header = bytes.substr(header_at, header_len);
    const std::string descr = dict_value(header, "descr");
    if (descr != "'<f4'" && descr != "'float32'")
        throw Error(path + ": dtype " + (descr.empty() ? "missing" : descr) + ", expected '<f4' (float32)");
    if (dict_value(header, "fortran_order") != "False")
        throw Error(path + ": Fortran-ordered arrays are not supported (save with C order)");
    const std::vector<long long> dims = parse_shape(dict_value(header, "shape"), path);
    bool same = dims.size() == expected_shape.size();
    for (std::size_t i = 0; same && i < dims.size(); ++i) same = dims[i] == expected_shape[i];
    if (!same) {
        std::string got = "(";
        for (std::size_t i = 0; i < dims.size(); ++i) got += (i ? ", " : "") + std::to_string(dims[i]);
        got += dims.size() == 1 ? ",)" : ")";
        throw Error(path + ": shape " + got + ", expected " + shape_text(expected_shape));
    }
    const std::size_t data_at = header_at + header_len;
    const std::size_t want = t.size() * sizeof(float);
    if (bytes.size() - data_at < want)
        throw Error(path + ": truncated: " + std::to_string(bytes.size() - data_at) + " bytes of data, expected " +
                    std::to_string(want));
    if (bytes.size() - data_at > want)
        throw Error(path + ": " + std::to_string(bytes.size() - data_at - want) + " trailing bytes after the data");
    std::memcpy(t.data(), bytes.data() + data_at, want);
}

}  // namespace wi
