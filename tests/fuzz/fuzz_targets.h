// fuzz_targets.h - what one fuzz input does to the readers, shared by the libFuzzer harnesses
// (fuzz_idx.cpp, fuzz_npy.cpp) and by tests/test_hardening.cpp, which replays every committed
// seed in corpus_idx/ and corpus_npy/ in the ordinary (and sanitized) test suite. A file the
// fuzzer reports goes into the corpus directory and is a regression test from then on.
//
// wi::Error is the expected answer to a bad file. Anything else - a crash, a sanitizer report,
// another exception (a broken promise of the reader throws std::logic_error), a hang - is a finding.
#pragma once
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/idx.h"
#include "data/npy.h"
#include "core/error.h"
#include "core/tensor.h"

namespace wi_fuzz {

// A fresh temporary file in $TMPDIR (tests/fuzz/run.sh points it at a scratch directory).
inline std::string make_scratch_file(const char* tag) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + tag + "-XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed for " + tmpl);
    ::close(fd);
    return tmpl;
}

inline void write_bytes(const std::string& path, const std::uint8_t* data, std::size_t size, bool gzip) {
    bool ok = true;
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        if (f == nullptr) throw std::runtime_error("cannot gzopen " + path);
        if (size > 0) ok = gzwrite(f, data, static_cast<unsigned>(size)) == static_cast<int>(size);
        ok = gzclose(f) == Z_OK && ok;
    } else {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (f == nullptr) throw std::runtime_error("cannot open " + path);
        if (size > 0) ok = std::fwrite(data, 1, size, f) == size;
        ok = std::fclose(f) == 0 && ok;
    }
    if (!ok) throw std::runtime_error("cannot write " + path);
}

// The IDX readers. The first byte picks what is done with the rest:
//   bit 0: 0 = write the bytes as they are (a gzip stream among them reaches zlib's decoder as
//             mutated), 1 = gzip-compress them first (the reader's gzip path on IDX bytes)
//   bit 1: 0 = read_idx_images, 1 = read_idx_labels
// Returns true when the file was read, false when it was refused with wi::Error.
inline bool idx_one(const std::uint8_t* data, std::size_t size, const std::string& path) {
    if (size == 0) return false;
    const std::uint8_t mode = data[0];
    write_bytes(path, data + 1, size - 1, (mode & 1) != 0);
    try {
        if (mode & 2) {
            const std::vector<std::uint8_t> labels = wi::read_idx_labels(path);
            if (labels.empty()) throw std::logic_error("read_idx_labels returned no labels");
            for (std::uint8_t l : labels)
                if (l > 9) throw std::logic_error("read_idx_labels returned a label outside 0-9");
        } else {
            const wi::IdxImages images = wi::read_idx_images(path);
            if (images.count <= 0 || images.pixels.size() != std::size_t(images.count) * wi::kImagePixels)
                throw std::logic_error("read_idx_images: count and pixels disagree");
        }
        return true;
    } catch (const wi::Error&) {
        return false;
    }
}

// The .npy reader. read_npy takes the shape its caller expects: the first byte picks it from
// npy_shapes() (modulo their number), the rest is the file.
inline const std::vector<std::vector<int>>& npy_shapes() {
    // small ones, so a valid file fits in a fuzz input, and one of the notebook's real layers
    static const std::vector<std::vector<int>> shapes = {{2, 3}, {3}, {1, 1}, {1}, {4, 2}, {32, 784}, {10}};
    return shapes;
}

inline bool npy_one(const std::uint8_t* data, std::size_t size, const std::string& path) {
    if (size == 0) return false;
    const std::vector<int>& shape = npy_shapes()[data[0] % npy_shapes().size()];
    write_bytes(path, data + 1, size - 1, false);
    wi::Tensor t(shape.size() == 2 ? shape[0] : 1, shape.back());
    try {
        wi::read_npy(path, t, shape);
        return true;
    } catch (const wi::Error&) {
        return false;
    }
}

}  // namespace wi_fuzz
