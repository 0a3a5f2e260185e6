#include "grid.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "../cli/cli.h"
#include "../core/error.h"

namespace wi {

namespace {

// Settings an axis may vary; init.PARAM is checked apart.
const char* const kKeys[] = {"init", "bias", "act", "lr", "batch", "epochs", "seed", "width", "depth", "arch"};
// Settings whose flags take integers: a range's values are written as integers when they are.
const char* const kIntegerKeys[] = {"batch", "epochs", "seed", "width", "depth"};

bool is_key(const std::string& k, const char* const* keys, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (k == keys[i]) return true;
    return false;
}

bool full_number(const std::string& t, double* v) {
    if (t.empty()) return false;
    char* end = nullptr;
    errno = 0;
    *v = std::strtod(t.c_str(), &end);
    return end != t.c_str() && *end == '\0' && errno != ERANGE && std::isfinite(*v);
}

bool full_integer(const std::string& t, long long* v) {
    if (t.empty()) return false;
    char* end = nullptr;
    errno = 0;
    *v = std::strtoll(t.c_str(), &end, 10);
    return end != t.c_str() && *end == '\0' && errno != ERANGE;
}

// A generated value as the flag will read it: an integer where the key takes integers (and
// the value is one), else 6 significant digits.
std::string value_text(double v, bool integer_key) {
    char buf[64];
    const double r = std::round(v);
    if (integer_key && std::fabs(v - r) <= 1e-9 * std::max(1.0, std::fabs(v)) && std::fabs(r) < 9e15)
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(r));
    else
        std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep)) parts.push_back(item);
    if (!s.empty() && s.back() == sep) parts.push_back("");
    return parts;
}

// "A..B", "A..B:N", "A..B:N:log" -> the values; fail names the problem.
std::vector<std::string> expand_range(const std::string& values, const std::string& key, bool* log,
                                      const std::function<void(const std::string&)>& fail) {
    const std::size_t dots = values.find("..");
    const std::string a_text = values.substr(0, dots);
    const std::vector<std::string> rest = split(values.substr(dots + 2), ':');
    const std::string b_text = rest.empty() ? "" : rest[0];
    const bool integer_key = is_key(key, kIntegerKeys, sizeof kIntegerKeys / sizeof *kIntegerKeys);
    std::vector<std::string> out;
    if (rest.size() == 1) {  // A..B: the integers
        long long a = 0, b = 0;
        if (!full_integer(a_text, &a) || !full_integer(b_text, &b))
            fail("'" + values + "': A..B needs integers (or A..B:N for N evenly spaced values)");
        if (a > b) fail("'" + values + "': A..B needs A <= B");
        if (static_cast<unsigned long long>(b - a) >= kMaxGridRuns)
            fail("'" + values + "' has more than " + std::to_string(kMaxGridRuns) + " values");
        for (long long v = a; v <= b; ++v) out.push_back(std::to_string(v));
        return out;
    }
    if (rest.size() > 3 || (rest.size() == 3 && rest[2] != "log"))
        fail("'" + values + "' is not A..B, A..B:N or A..B:N:log");
    double a = 0, b = 0;
    long long n = 0;
    if (!full_number(a_text, &a)) fail("'" + a_text + "' is not a number (in '" + values + "')");
    if (!full_number(b_text, &b)) fail("'" + b_text + "' is not a number (in '" + values + "')");
    if (!full_integer(rest[1], &n)) fail("'" + rest[1] + "' is not a count N (in '" + values + "')");
    if (n < 2) fail("'" + values + "': N must be at least 2 (the two ends), got " + rest[1]);
    if (n > static_cast<long long>(kMaxGridRuns)) fail("'" + values + "': N is over " + std::to_string(kMaxGridRuns));
    *log = rest.size() == 3;
    if (*log && !(a > 0 && b > 0)) fail("'" + values + "': a log range needs A > 0 and B > 0");
    for (long long i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(n - 1);
        double v = *log ? std::exp(std::log(a) + (std::log(b) - std::log(a)) * t) : a + (b - a) * t;
        if (i == 0) v = a;  // the ends exactly as written
        if (i == n - 1) v = b;
        out.push_back(value_text(v, integer_key));
    }
    return out;
}

Axis parse_axis(const std::string& text, const std::string& flag) {
    const std::size_t eq = text.find('=');
    const std::string key = text.substr(0, eq);
    auto fail = [&](const std::string& why) { throw Error(flag + ": axis '" + key + "': " + why); };
    if (eq == std::string::npos || key.empty())
        throw Error(flag + ": '" + text + "' is not KEY=VALUES (keys: init, bias, act, lr, batch, epochs, seed, width, "
                           "depth, arch, init.PARAM)");
    const bool param = key.rfind("init.", 0) == 0 && key.size() > 5;
    if (!param && !is_key(key, kKeys, sizeof kKeys / sizeof *kKeys))
        fail("unknown key (valid: init, bias, act, lr, batch, epochs, seed, width, depth, arch, init.PARAM)");
    Axis ax;
    ax.key = key;
    ax.text = text;
    const std::string values = text.substr(eq + 1);
    if (values.empty()) fail("no values");
    if (key != "init" && key != "bias" && key != "act" && key != "arch" && values.find("..") != std::string::npos)
        ax.values = expand_range(values, key, &ax.log, fail);
    else
        ax.values = key == "init" ? split_specs(values) : split(values, ',');
    for (const std::string& v : ax.values)
        if (v.empty()) fail("an empty value in '" + values + "'");
    for (std::size_t i = 0; i < ax.values.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (ax.values[i] == ax.values[j]) fail("the value '" + ax.values[i] + "' is given twice");
    return ax;
}

}  // namespace

std::size_t Grid::runs() const {
    std::size_t n = 1;
    for (const Axis& a : axes) n *= a.values.size();
    return n;
}

std::vector<std::size_t> Grid::position(std::size_t index) const {
    std::vector<std::size_t> p(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {
        p[k] = index % axes[k].values.size();
        index /= axes[k].values.size();
    }
    return p;
}

std::size_t Grid::index(const std::vector<std::size_t>& position) const {
    std::size_t i = 0;
    for (std::size_t k = 0; k < axes.size(); ++k) i = i * axes[k].values.size() + position[k];
    return i;
}

std::string Grid::text() const {
    std::string s;
    for (const Axis& a : axes) s += (s.empty() ? "" : ";") + a.text;
    return s;
}

int Grid::find(const std::string& key) const {
    for (std::size_t k = 0; k < axes.size(); ++k)
        if (axes[k].key == key) return static_cast<int>(k);
    return -1;
}

Grid parse_grid(const std::string& text, const std::string& flag) {
    Grid g;
    for (std::string item : split(text, ';')) {
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.erase(0, 1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t' || item.back() == '\r')) item.pop_back();
        if (item.empty()) continue;  // "a=1;;b=2" and a trailing ';' are harmless
        Axis ax = parse_axis(item, flag);
        if (g.find(ax.key) >= 0) throw Error(flag + ": axis '" + ax.key + "': given twice");
        g.axes.push_back(std::move(ax));
        if (g.runs() > kMaxGridRuns)
            throw Error(flag + ": axis '" + g.axes.back().key + "': the grid has over " + std::to_string(kMaxGridRuns) +
                        " runs");
    }
    if (g.axes.empty()) throw Error(flag + ": no axes (e.g. --grid 'init=xavier,kaiming;lr=0.001,0.01')");
    for (const char* k : {"width", "depth"})
        if (g.find(k) >= 0 && g.find("arch") >= 0)
            throw Error(flag + ": axis '" + k + "': cannot be combined with an arch axis (arch sets every size)");
    return g;
}

Grid parse_grid_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error("--grid-file: cannot read " + path);
    std::string line, text;
    while (std::getline(in, line)) {
        const std::size_t hash = line.find('#');
        if (hash != std::string::npos) line.erase(hash);
        if (line.find(';') != std::string::npos)
            throw Error("--grid-file: " + path + ": one axis a line, without ';' (in '" + line + "')");
        text += line + ";";
    }
    return parse_grid(text, "--grid-file " + path);
}

std::uint64_t fnv1a64(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV offset basis
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;  // FNV prime
    }
    return h;
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::string hex16(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace wi
