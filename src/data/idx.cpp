#include "idx.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "../core/error.h"
#include "../core/fsutil.h"

namespace wi {

namespace {

constexpr std::uint64_t kIdxReserveLimit = 256ull << 20;  // reserve at most this much up front
constexpr std::uint64_t kDeflateMaxRatio = 1032;          // deflate never expands beyond ~1032:1
constexpr std::size_t kInputChunk = 1 << 16;             // bytes read from the file at a time

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// One IDX file, raw or a single gzip member (told apart by the gzip magic 1f 8b). Inflates only
// as much as is asked for, so nothing beyond the header's promise plus one byte is ever
// decompressed; after the payload, the file must end (no trailing bytes, no second gzip member).
class IdxReader {
public:
    explicit IdxReader(const std::string& path) : path_(path), file_(path), in_(kInputChunk) {
        fill();
        gzip_ = in_len_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
        if (gzip_) {
            zs_.next_in = in_.data();
            zs_.avail_in = static_cast<uInt>(in_len_);
            if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) fail("cannot start the gzip decoder");
            inflating_ = true;
        }
    }
    ~IdxReader() {
        if (inflating_) inflateEnd(&zs_);
    }
    IdxReader(const IdxReader&) = delete;
    IdxReader& operator=(const IdxReader&) = delete;

    const std::string& path() const { return path_; }

    [[noreturn]] void fail(const std::string& problem) const { throw Error(path_ + ": " + problem); }

    // Reads up to n bytes of the (decompressed) data; fewer only at its end.
    std::size_t read(unsigned char* dst, std::size_t n) { return gzip_ ? inflate_some(dst, n) : read_raw(dst, n); }

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
        const std::uint64_t can_hold = gzip_ ? file_.size() * kDeflateMaxRatio : file_.size();
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
        unsigned char extra;  // reading past the end also checks that no second gzip member follows
        if (read(&extra, 1) != 0)
            fail("trailing bytes after the " + std::to_string(n) + " bytes of " + unit + " the header promises");
        return data;
    }

private:
    // Appends what the file gives next to in_ (from in_len_), up to its capacity.
    void fill() {
        while (!eof_ && in_len_ < in_.size()) {
            const ssize_t got = ::read(file_.fd(), in_.data() + in_len_, in_.size() - in_len_);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail(std::string("read error (") + std::strerror(errno) + ")");
            if (got == 0) eof_ = true;
            in_len_ += static_cast<std::size_t>(got);
            if (got > 0) break;
        }
    }

    std::size_t read_raw(unsigned char* dst, std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            if (in_pos_ == in_len_) {
                in_pos_ = in_len_ = 0;
                fill();
                if (in_len_ == 0) break;
            }
            const std::size_t take = std::min(n - done, in_len_ - in_pos_);
            std::memcpy(dst + done, in_.data() + in_pos_, take);
            in_pos_ += take;
            done += take;
        }
        return done;
    }

    std::size_t inflate_some(unsigned char* dst, std::size_t n) {
        std::size_t done = 0;
        while (done < n && !stream_end_) {
            if (zs_.avail_in == 0) {
                in_len_ = 0;
                fill();
                zs_.next_in = in_.data();
                zs_.avail_in = static_cast<uInt>(in_len_);
            }
            const uInt room = static_cast<uInt>(std::min<std::size_t>(n - done, 1u << 24));
            zs_.next_out = dst + done;
            zs_.avail_out = room;
            const int rc = ::inflate(&zs_, Z_NO_FLUSH);
            done += room - zs_.avail_out;
            if (rc == Z_STREAM_END) {
                stream_end_ = true;
            } else if (rc == Z_BUF_ERROR && zs_.avail_in == 0 && eof_) {
                fail("corrupt or truncated gzip data (the file ends inside the gzip stream)");
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                fail(std::string("corrupt or truncated gzip data (") + (zs_.msg ? zs_.msg : "inflate failed") + ")");
            }
        }
        if (done < n && stream_end_) expect_end_after_gzip();  // the rest may be in a second member
        return done;
    }

    // After the one gzip member: the file must end. A second member (gzip files joined with
    // cat) or anything else would make the data longer than the header says.
    void expect_end_after_gzip() {
        if (zs_.avail_in == 0) {
            in_len_ = 0;
            fill();
            zs_.next_in = in_.data();
            zs_.avail_in = static_cast<uInt>(in_len_);
        }
        if (zs_.avail_in == 0) return;
        if (zs_.avail_in >= 2 && zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b)
            fail("a second gzip member follows the first (concatenated .gz files); the data must be one gzip stream");
        fail("trailing bytes after the end of the gzip stream");
    }

    std::string path_;
    InputFile file_;
    std::vector<unsigned char> in_;  // bytes read from the file, not yet used
    std::size_t in_len_ = 0, in_pos_ = 0;
    bool eof_ = false;
    bool gzip_ = false;
    bool inflating_ = false;
    bool stream_end_ = false;
    z_stream zs_{};
};

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// The image count from an images header, checked.
std::uint32_t images_header(IdxReader& f) {
    const auto dims = f.header(kIdxImagesMagic, "images, unsigned bytes, 3 dimensions");
    if (dims[0] == 0) f.fail("holds no images (count 0)");
    if (dims[1] != kImageSide || dims[2] != kImageSide)
        f.fail("images are " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]) + ", expected 28x28");
    if (dims[0] > static_cast<std::uint32_t>(INT32_MAX))
        f.fail("image count " + std::to_string(dims[0]) + " is too large (the limit is " + std::to_string(kIdxMaxPayload) +
               " bytes of pixels, " + std::to_string(kIdxMaxPayload / kImagePixels) + " images)");
    return dims[0];
}

std::uint32_t labels_header(IdxReader& f) {
    const auto dims = f.header(kIdxLabelsMagic, "labels, unsigned bytes, 1 dimension");
    if (dims[0] == 0) f.fail("holds no labels (count 0)");
    return dims[0];
}

IdxImages images_payload(IdxReader& f, std::uint32_t count) {
    IdxImages out;
    out.count = static_cast<int>(count);
    out.pixels = f.payload(std::uint64_t(count) * kImagePixels, "pixels");
    return out;
}

std::vector<std::uint8_t> labels_payload(IdxReader& f, std::uint32_t count) {
    std::vector<std::uint8_t> labels = f.payload(count, "labels");
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] > 9)
            f.fail("label " + std::to_string(labels[i]) + " at index " + std::to_string(i) + " is outside 0-9");
    return labels;
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
    IdxReader f(path);
    return images_payload(f, images_header(f));
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
    IdxReader f(path);
    return labels_payload(f, labels_header(f));
}

IdxPair read_idx_pair(const std::string& images_path, const std::string& labels_path) {
    IdxReader fi(images_path);
    const std::uint32_t n_images = images_header(fi);
    IdxReader fl(labels_path);
    const std::uint32_t n_labels = labels_header(fl);
    if (n_images != n_labels)
        throw Error(images_path + " holds " + std::to_string(n_images) + " images but " + labels_path + " holds " +
                    std::to_string(n_labels) + " labels");
    IdxPair p;
    p.labels = labels_payload(fl, n_labels);
    p.images = images_payload(fi, n_images);
    return p;
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
