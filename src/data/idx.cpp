#include "idx.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "../error.h"
#include "../fsutil.h"

namespace wi {

namespace {

constexpr std::uint64_t kIdxReserveLimit = 256ull << 20;  // reserve at most this much up front
constexpr std::uint64_t kDeflateMaxRatio = 1032;          // deflate never expands beyond ~1032:1

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

class IdxFile {
public:
    explicit IdxFile(const std::string& path) : path_(path) {
        if (!is_file(path)) {
            const bool exists = is_dir(path);
            throw Error(path + (exists ? ": is a directory, not an IDX file" : ": no such file"));
        }
        f_.reset(gzopen(path.c_str(), "rb"));
        if (!f_) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
        struct stat st;
        file_size_ = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    }

    // Reads up to n bytes; returns how many came (fewer only at the end of the data).
    std::size_t read(unsigned char* dst, std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 24));
            const int got = gzread(f_.get(), dst + done, chunk);
            if (got < 0) fail_corrupt();
            if (got == 0) {
                int code = Z_OK;
                gzerror(f_.get(), &code);
                if (code != Z_OK) fail_corrupt();
                break;
            }
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

    [[noreturn]] void fail(const std::string& problem) const { throw Error(path_ + ": " + problem); }

    [[noreturn]] void fail_corrupt() const {
        int code = Z_OK;
        const char* msg = gzerror(f_.get(), &code);
        fail(std::string("corrupt or truncated gzip data (") + (msg && *msg ? msg : "read error") + ")");
    }

    // The header's dimensions after checking magic and rank.
    std::vector<std::uint32_t> header(std::uint32_t magic, const char* what) {
        unsigned char m[4];
        if (read(m, 4) != 4) fail("file too short to be an IDX file (no 4-byte magic)");
        const std::uint32_t got = be32(m);
        if (got != magic) {
            std::string hint;
            if ((got >> 8) == 0x08 && (got & 0xff) != (magic & 0xff))
                hint = ", an unsigned-byte IDX file with " + std::to_string(got & 0xff) + " dimensions";
            else if (m[0] == 0 && m[1] == 0 && m[2] != 0x08)
                hint = ", an IDX file whose element type is not unsigned byte";
            else if (m[0] != 0 || m[1] != 0)
                hint = ", not an IDX file";
            fail("bad magic " + hex32(got) + hint + " (expected " + hex32(magic) + ": " + what + ")");
        }
        std::vector<std::uint32_t> dims(magic & 0xff);
        for (auto& d : dims) {
            unsigned char b[4];
            if (read(b, 4) != 4) fail("file too short for its IDX header");
            d = be32(b);
        }
        return dims;
    }

    // Reads exactly n payload bytes and checks nothing follows them. Grows the buffer as data
    // arrives, so a header that lies about its size cannot make us allocate for the lie.
    std::vector<std::uint8_t> payload(std::uint64_t n, const std::string& unit) {
        if (n > kIdxMaxPayload)
            fail("header claims " + std::to_string(n) + " bytes of data, over the limit of " +
                 std::to_string(kIdxMaxPayload) + " bytes");
        std::vector<std::uint8_t> data;
        // Room for the claimed size at once, so the buffer never moves while it fills (growing by
        // copying would briefly hold full MNIST twice) - but only as much as the file can hold:
        // its own size if raw, deflate's best ratio times it if compressed.
        const std::uint64_t can_hold = gzdirect(f_.get()) ? file_size_ : file_size_ * kDeflateMaxRatio;
        data.reserve(static_cast<std::size_t>(std::min({n, can_hold, kIdxReserveLimit})));
        std::size_t have = 0;
        while (have < n) {
            // 64 KiB, then doubling up to 16 MiB a step: a lie costs at most 64 KiB or twice what the file holds
            const std::size_t step = std::min<std::size_t>(std::max<std::size_t>(have, 1u << 16), 1u << 24);
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n - have, step));
            data.resize(have + want);
            const std::size_t got = read(data.data() + have, want);
            have += got;
            if (got < want) break;
        }
        if (have < n)
            fail("truncated: the header promises " + std::to_string(n) + " bytes of " + unit + ", the file holds " +
                 std::to_string(have));
        unsigned char extra;
        if (read(&extra, 1) != 0)
            fail("trailing bytes after the " + std::to_string(n) + " bytes of " + unit + " the header promises");
        return data;
    }

private:
    std::string path_;
    GzHandle f_;
    std::uint64_t file_size_ = 0;  // on disk
};

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
    IdxFile f(path);
    const auto dims = f.header(kIdxImagesMagic, "images, unsigned bytes, 3 dimensions");
    if (dims[0] == 0) f.fail("holds no images (count 0)");
    if (dims[1] != kImageSide || dims[2] != kImageSide)
        f.fail("images are " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]) + ", expected 28x28");
    if (dims[0] > static_cast<std::uint32_t>(INT32_MAX))
        f.fail("image count " + std::to_string(dims[0]) + " is too large (the limit is " + std::to_string(kIdxMaxPayload) +
               " bytes of pixels, " + std::to_string(kIdxMaxPayload / kImagePixels) + " images)");
    IdxImages out;
    out.count = static_cast<int>(dims[0]);
    out.pixels = f.payload(std::uint64_t(dims[0]) * kImagePixels, "pixels");
    return out;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
    IdxFile f(path);
    const auto dims = f.header(kIdxLabelsMagic, "labels, unsigned bytes, 1 dimension");
    if (dims[0] == 0) f.fail("holds no labels (count 0)");
    std::vector<std::uint8_t> labels = f.payload(dims[0], "labels");
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] > 9)
            f.fail("label " + std::to_string(labels[i]) + " at index " + std::to_string(i) + " is outside 0-9");
    return labels;
}

std::string idx_images_bytes(const std::vector<std::uint8_t>& pixels, int count) {
    std::string out;
    put_be32(out, kIdxImagesMagic);
    put_be32(out, static_cast<std::uint32_t>(count));
    put_be32(out, kImageSide);
    put_be32(out, kImageSide);
    out.append(reinterpret_cast<const char*>(pixels.data()), pixels.size());
    return out;
}

std::string idx_labels_bytes(const std::vector<std::uint8_t>& labels) {
    std::string out;
    put_be32(out, kIdxLabelsMagic);
    put_be32(out, static_cast<std::uint32_t>(labels.size()));
    out.append(reinterpret_cast<const char*>(labels.data()), labels.size());
    return out;
}

}  // namespace wi
