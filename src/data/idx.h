// idx.h - a minimal reader for the IDX files MNIST ships in, raw or gzip-compressed.
//
// Layout (all integers big-endian):
//   images: magic 0x00000803 (unsigned bytes, 3 dims), count, rows, cols, then count*rows*cols pixels
//   labels: magic 0x00000801 (unsigned bytes, 1 dim),  count, then count labels
// A file is raw, or exactly one gzip member (zlib inflates it, never more than the header
// promises plus one byte). Only a regular file is read (see InputFile in fsutil.h).
// Every defect (wrong magic, wrong rank, not 28x28, short file, trailing bytes, a second gzip
// member, corrupt gzip, a label outside 0-9) throws wi::Error naming the file and the problem.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;
constexpr int kImageSide = 28;
constexpr int kImagePixels = kImageSide * kImageSide;  // 784
// A data file may hold at most this many bytes of payload (4 GiB): a header claiming more is
// refused before anything is allocated.
constexpr std::uint64_t kIdxMaxPayload = 4ull << 30;

struct IdxImages {
    int count = 0;
    std::vector<std::uint8_t> pixels;  // (count, 784), row-major, raw bytes 0-255
};

IdxImages read_idx_images(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path);  // every label checked to be 0-9

// Images and their labels: both headers are read and their counts compared before any payload
// is decompressed, so a mismatched pair costs nothing to refuse.
struct IdxPair {
    IdxImages images;
    std::vector<std::uint8_t> labels;
};
IdxPair read_idx_pair(const std::string& images_path, const std::string& labels_path);

// Writers, for tests and tools: the IDX bytes of images (count*784 pixels) or labels.
std::string idx_images_bytes(const std::vector<std::uint8_t>& pixels, int count);
std::string idx_labels_bytes(const std::vector<std::uint8_t>& labels);

}  // namespace wi
