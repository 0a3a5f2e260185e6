// idx.h - a minimal reader for the IDX files MNIST ships in, raw or gzip-compressed.
//
// Layout (all integers big-endian):
//   images: magic 0x00000803 (unsigned bytes, 3 dims), count, rows, cols, then count*rows*cols pixels
//   labels: magic 0x00000801 (unsigned bytes, 1 dim),  count, then count labels
// zlib's gzread reads gzip and plain files alike, so one code path serves both.
// Every defect (wrong magic, wrong rank, not 28x28, short file, trailing bytes, corrupt gzip,
// a label outside 0-9) throws wi::Error naming the file and the problem.
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

// Writers, for tests and tools: the IDX bytes of images (count*784 pixels) or labels.
std::string idx_images_bytes(const std::vector<std::uint8_t>& pixels, int count);
std::string idx_labels_bytes(const std::vector<std::uint8_t>& labels);

}  // namespace wi
