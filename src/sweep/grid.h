// grid.h - a sweep's grid: axes of values, their cross product, and the identity of each run.
//
//   --grid 'init=xavier,kaiming;lr=1e-3..1e-1:3:log;seed=1..2'
//
// An axis is KEY=VALUES. KEY is a training setting: init, bias, act, lr, batch, epochs, seed,
// width (every hidden layer), depth (the number of Linear layers), arch (sizes joined by '-',
// e.g. 784-64-10), or init.PARAM (a parameter of the initializer, e.g. init.gain). VALUES is
//   a comma list        0.1,0.3,1        (init: specs as --compare takes them)
//   A..B:N              N values evenly spaced from A to B, both ends included
//   A..B:N:log          N values evenly spaced in log, A and B > 0
//   A..B                the integers from A to B
// Runs are numbered in grid order: the first axis varies slowest, the last fastest.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

struct Axis {
    std::string key;                  // "lr", "init.gain"
    std::vector<std::string> values;  // each as its flag takes it ("0.001", "xavier")
    bool log = false;                 // written A..B:N:log (figures use a log axis)
    std::string text;                 // the axis as written, "lr=1e-3..1e-1:3:log"
};

struct Grid {
    std::vector<Axis> axes;
    std::size_t runs() const;  // the product of the axes' sizes
    // Run index -> the position of its value on each axis (first axis slowest).
    std::vector<std::size_t> position(std::size_t index) const;
    std::size_t index(const std::vector<std::size_t>& position) const;
    std::string text() const;  // the axes as written, joined by ';'
    int find(const std::string& key) const;  // the axis of that key, or -1
};

constexpr std::size_t kMaxGridRuns = 100000;  // a grid larger than this is refused (a typo, surely)

// Parses the grid's syntax (not whether a flag would take each value: see sweep_config.h).
// Throws wi::Error "--grid: axis 'KEY': ..." naming the axis: an unknown key, a missing '=',
// empty values, N < 2, a log range over non-positive numbers, a duplicate axis, arch with
// width or depth.
Grid parse_grid(const std::string& text, const std::string& flag = "--grid");
// One axis a line; '#' starts a comment; blank lines are skipped.
Grid parse_grid_file(const std::string& path);

// FNV-1a, 64 bits, of the bytes of s.
std::uint64_t fnv1a64(const std::string& s);
// splitmix64's output function (Steele et al. 2014): a well-mixed 64-bit value of x.
std::uint64_t splitmix64(std::uint64_t x);
std::string hex16(std::uint64_t v);  // 16 lowercase hex digits

}  // namespace wi
