// test_data.cpp - the IDX reader (raw and gzip, every defect), normalization, the .npy reader.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "data/idx.h"
#include "data/mnist.h"
#include "data/npy.h"
#include "core/error.h"
#include "test_util.h"

using namespace wi;
using namespace wi_test;

namespace {

std::vector<std::uint8_t> pattern_pixels(int count) {
    std::vector<std::uint8_t> p(static_cast<std::size_t>(count) * kImagePixels);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>((i * 7 + i / 784) & 0xff);
    return p;
}

std::string be32(std::uint32_t v) {
    std::string s;
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
    return s;
}

// Expects fn to throw wi::Error whose message names path and contains problem.
template <class Fn>
void expect_error(Fn fn, const std::string& path, const std::string& problem) {
    try {
        fn();
        BOOST_ERROR("no error for " << problem);
    } catch (const Error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find(path) != std::string::npos, "message '" << msg << "' does not name " << path);
        BOOST_TEST(msg.find(problem) != std::string::npos, "message '" << msg << "' does not say " << problem);
    }
}

void expect_images_error(const std::string& path, const std::string& problem) {
    expect_error([&] { read_idx_images(path); }, path, problem);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(idx_reader)

BOOST_AUTO_TEST_CASE(round_trip_raw_and_gzip) {
    TempDir dir;
    const auto pixels = pattern_pixels(5);
    const std::vector<std::uint8_t> labels = {3, 1, 4, 1, 5};
    for (bool gz : {false, true}) {
        const std::string ip = dir / (gz ? "i.gz" : "i"), lp = dir / (gz ? "l.gz" : "l");
        (gz ? write_gzip : write_file)(ip, idx_images_bytes(pixels, 5));
        (gz ? write_gzip : write_file)(lp, idx_labels_bytes(labels));
        const IdxImages got = read_idx_images(ip);
        BOOST_TEST(got.count == 5);
        BOOST_TEST(got.pixels == pixels);
        BOOST_TEST(read_idx_labels(lp) == labels);
    }
}

BOOST_AUTO_TEST_CASE(every_defect_has_its_own_message) {
    TempDir dir;
    const std::string good = idx_images_bytes(pattern_pixels(2), 2);
    auto file = [&](const std::string& name, const std::string& bytes) {
        write_file(dir / name, bytes);
        return dir / name;
    };
    expect_images_error(dir / "missing", "no such file");
    expect_images_error(dir.path(), "is a directory");
    expect_images_error(file("empty", ""), "too short");
    expect_images_error(file("labels_magic", idx_labels_bytes({1, 2})), "bad magic 0x00000801");
    expect_images_error(file("rank2", be32(0x802) + be32(2) + be32(784) + std::string(2 * 784, '\0')), "2 dimensions");
    expect_images_error(file("floats", be32(0xD03) + be32(1) + be32(28) + be32(28)), "not unsigned byte");
    expect_images_error(file("text", "hello world, not idx"), "not an IDX file");
    expect_images_error(file("short_header", be32(0x803) + be32(2)), "too short for its IDX header");
    expect_images_error(file("size", be32(0x803) + be32(1) + be32(32) + be32(32) + std::string(1024, '\0')),
                        "images are 32x32, expected 28x28");
    expect_images_error(file("zero", be32(0x803) + be32(0) + be32(28) + be32(28)), "holds no images");
    expect_images_error(file("truncated", good.substr(0, good.size() - 1)), "truncated");
    expect_images_error(file("trailing", good + "x"), "trailing bytes");
    expect_images_error(file("huge", be32(0x803) + be32(0xFFFFFFFFu) + be32(28) + be32(28)), "too large");
    // A header that promises 2.3 GB but holds 784 bytes: reported as truncated, without
    // allocating what the header claims.
    expect_images_error(file("liar", be32(0x803) + be32(3000000) + be32(28) + be32(28) + std::string(784, '\0')),
                        "truncated");
    // 6,000,000 images = 4.7 GB: over the payload limit before a byte is read
    expect_images_error(file("over_limit", be32(0x803) + be32(6000000) + be32(28) + be32(28)), "over the limit");

    expect_error([&] { read_idx_labels(file("label12", idx_labels_bytes({1, 12, 3}))); }, dir / "label12",
                 "label 12 at index 1 is outside 0-9");
    expect_error([&] { read_idx_labels(file("images_as_labels", good)); }, dir / "images_as_labels", "bad magic");
}

BOOST_AUTO_TEST_CASE(gzip_defects) {
    TempDir dir;
    const std::string good = idx_images_bytes(pattern_pixels(20), 20);
    write_gzip(dir / "good.gz", good);
    const std::string gz = read_file(dir / "good.gz");
    write_file(dir / "cut.gz", gz.substr(0, gz.size() / 2));
    expect_images_error(dir / "cut.gz", "truncated");
    std::string bad = gz;
    for (std::size_t i = 20; i < 60 && i < bad.size(); ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    write_file(dir / "corrupt.gz", bad);
    expect_images_error(dir / "corrupt.gz", "corrupt");
    write_gzip(dir / "trailing.gz", good + "zz");
    expect_images_error(dir / "trailing.gz", "trailing bytes");
}

BOOST_AUTO_TEST_CASE(split_counts_must_agree) {
    TempDir dir;
    write_file(dir / "train-images-idx3-ubyte", idx_images_bytes(pattern_pixels(3), 3));
    write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_labels_bytes({1, 2}));
    expect_error([&] { load_split(dir.path(), "train"); }, dir / "train-labels-idx1-ubyte.gz", "holds 3 images but");
    expect_error([&] { load_split(dir.path(), "t10k"); }, dir / "t10k-images-idx3-ubyte", "no such file");
}

BOOST_AUTO_TEST_CASE(bundled_sample_loads) {
    const MnistData d = load_mnist_dir(sample_dir(), "sample");
    BOOST_TEST(d.train.count == 8000);
    BOOST_TEST(d.test.count == 2000);
    int per_class[10] = {};
    for (auto l : d.train.labels) ++per_class[l];
    for (int c = 0; c < 10; ++c) BOOST_TEST(per_class[c] > 600);  // every digit is there, roughly balanced
}

BOOST_AUTO_TEST_CASE(normalization_is_the_notebooks) {
    Dataset d;
    d.count = 1;
    d.pixels.assign(784, 0);
    d.pixels[1] = 255;
    d.pixels[2] = 128;
    d.labels = {0};
    std::vector<float> x(784);
    const int idx = 0;
    normalize_batch(x.data(), d, &idx, 1);
    BOOST_TEST(x[0] == -1.0f);
    BOOST_TEST(x[1] == 1.0f);
    BOOST_TEST(x[2] == (128.0f / 255.0f - 0.5f) / 0.5f);
    BOOST_TEST(std::abs(x[2] - 0.003921569f) < 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(npy_files)

BOOST_AUTO_TEST_CASE(round_trip_matrix_and_vector) {
    TempDir dir;
    Tensor W(3, 4), b(1, 4);
    for (std::size_t i = 0; i < W.size(); ++i) W.data()[i] = 0.5f * static_cast<float>(i) - 1.0f;
    for (std::size_t i = 0; i < b.size(); ++i) b.data()[i] = -static_cast<float>(i);
    write_npy(dir / "w.npy", W, {3, 4});
    write_npy(dir / "b.npy", b, {4});
    const std::string text = read_file(dir / "w.npy");
    BOOST_TEST(text.substr(1, 5) == "NUMPY");
    BOOST_TEST((text.size() - 12 * 4) % 64 == 0);  // header padded to 64 bytes
    BOOST_TEST(text.find("'shape': (3, 4)") != std::string::npos);
    BOOST_TEST(read_file(dir / "b.npy").find("'shape': (4,)") != std::string::npos);
    Tensor W2(3, 4), b2(1, 4);
    read_npy(dir / "w.npy", W2, {3, 4});
    read_npy(dir / "b.npy", b2, {4});
    for (std::size_t i = 0; i < W.size(); ++i) BOOST_TEST_REQUIRE(W2.data()[i] == W.data()[i]);
    for (std::size_t i = 0; i < b.size(); ++i) BOOST_TEST_REQUIRE(b2.data()[i] == b.data()[i]);
}

BOOST_AUTO_TEST_CASE(rejects_wrong_files) {
    TempDir dir;
    Tensor W(3, 4);
    write_npy(dir / "w.npy", W, {3, 4});
    const std::string good = read_file(dir / "w.npy");
    Tensor t(3, 4);
    auto expect = [&](const std::string& name, const std::string& bytes, const std::string& problem) {
        write_file(dir / name, bytes);
        expect_error([&] { read_npy(dir / name, t, {3, 4}); }, dir / name, problem);
    };
    Tensor t43(4, 3);
    expect_error([&] { read_npy(dir / "w.npy", t43, {4, 3}); }, dir / "w.npy", "shape (3, 4), expected (4, 3)");
    expect("f8.npy", std::string(good).replace(good.find("<f4"), 3, "<f8"), "dtype '<f8'");
    expect("cut.npy", good.substr(0, good.size() - 4), "truncated");
    expect("long.npy", good + "abcd", "trailing bytes");
    expect("magic.npy", "PK\x03\x04 not numpy at all", "not a .npy file");
    expect("version.npy", std::string(good).replace(6, 1, "\x09"), "unsupported .npy format version 9");
    expect_error([&] { read_npy(dir / "nope.npy", t, {3, 4}); }, dir / "nope.npy", "no such file");
}

BOOST_AUTO_TEST_SUITE_END()
