#include "ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wi {

namespace {

constexpr double kHugeValue = 1e300;

// The typographic minus (U+2212), as matplotlib prints it.
std::string minus_sign(std::string s) {
    if (!s.empty() && s[0] == '-') s = "\xE2\x88\x92" + s.substr(1);
    return s;
}

}  // namespace

double nice_step(double span, int target) {
    if (!(span > 0.0) || !std::isfinite(span)) return 1.0;
    const double raw = span / std::max(target, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / mag;  // in [1, 10)
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * mag;
}

std::vector<double> nice_ticks(Range r, int target) {
    const double step = nice_step(r.hi - r.lo, target);
    std::vector<double> ticks;
    // Ticks are integer multiples n*step, so 0.1+0.2-style drift cannot creep in; the 1e-9
    // slack keeps a tick that sits exactly on an end of the range.
    const double slack = 1e-9 * step;
    for (double n = std::ceil((r.lo - slack) / step); n * step <= r.hi + slack && ticks.size() < 100; n += 1.0)
        ticks.push_back(n * step == 0.0 ? 0.0 : n * step);
    return ticks;
}

std::string tick_label(double value, double step) {
    char buf[64];
    if (std::abs(value) < step * 1e-9) value = 0.0;  // no "-0" or "1e-17" at zero
    const double big = std::max(std::abs(value), step);
    if (!(step >= 1e-4) || !(big < 1e6)) {  // also a step or value that is not finite
        std::snprintf(buf, sizeof buf, "%.3g", value);
    } else {
        const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
        std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    }
    return minus_sign(buf);
}

std::vector<double> log_ticks(Range r, int target) {
    std::vector<double> ticks;
    if (!(r.lo > 0.0) || !(r.hi > r.lo) || !std::isfinite(r.hi)) return ticks;
    const double e0 = std::log10(r.lo), e1 = std::log10(r.hi);
    const double step = std::max(1.0, nice_step(e1 - e0, target));  // whole decades only
    for (double e = std::ceil(e0 / step - 1e-9) * step; e <= e1 + 1e-9; e += step) ticks.push_back(std::pow(10.0, e));
    // Fewer than three powers of ten in a short range cannot be read: 1, 2 and 5 x 10^k, else
    // every 1..9 x 10^k, when there is room for them.
    for (const std::vector<int>& mantissas : {std::vector<int>{1, 2, 5}, std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
        if (ticks.size() >= 3 || e1 - e0 > 3.0) break;
        std::vector<double> more;
        for (double e = std::floor(e0); e <= std::ceil(e1); e += 1.0)
            for (int m : mantissas) {
                const double t = m * std::pow(10.0, e);
                if (t >= r.lo * (1 - 1e-9) && t <= r.hi * (1 + 1e-9)) more.push_back(t);
            }
        if (static_cast<int>(more.size()) > std::max(target, 3)) break;  // no room for them
        ticks = more;
    }
    return ticks;
}

std::vector<double> log_minor_ticks(Range r) {
    std::vector<double> ticks;
    if (!(r.lo > 0.0) || !(r.hi > r.lo) || !std::isfinite(r.hi) || std::log10(r.hi / r.lo) > 8.0) return ticks;
    for (double e = std::floor(std::log10(r.lo)); e <= std::ceil(std::log10(r.hi)); e += 1.0)
        for (int m = 2; m <= 9; ++m) {
            const double t = m * std::pow(10.0, e);
            if (t >= r.lo && t <= r.hi) ticks.push_back(t);
        }
    return ticks;
}

std::string log_tick_label(double value) {
    if (!(value > 0.0) || !std::isfinite(value)) return tick_label(value, 1.0);  // no power of ten
    int e = static_cast<int>(std::floor(std::log10(value) + 1e-9));  // within -324..308
    const double m = value / std::pow(10.0, e);
    const int mantissa = static_cast<int>(std::lround(m));
    if (mantissa == 10) e += 1;
    static const char* const kSuper[] = {"\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3", "\xE2\x81\xB4",
                                         "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7", "\xE2\x81\xB8", "\xE2\x81\xB9"};
    // 2 x 10^-5 as "2×10⁻⁵" (a mantissa that is not 1), "2" for e = 0
    const bool plain_power = mantissa == 1 || mantissa == 10 || std::abs(m - mantissa) > 1e-6;
    if (!plain_power && e == 0) return std::to_string(mantissa);
    std::string s = plain_power ? "10" : std::to_string(mantissa) + "\xC3\x97" "10";
    if (e < 0) s += "\xE2\x81\xBB";  // superscript minus
    for (char c : std::to_string(std::abs(e))) s += kSuper[c - '0'];
    return s;
}

Range finite_range(const std::vector<double>& values, double margin) {
    double lo = INFINITY, hi = -INFINITY;
    for (double v : values)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (lo > hi) return {0.0, 1.0};
    // Beyond +-1e300 the span and the margins would overflow to infinity: such values are
    // drawn at the edge of the range.
    lo = std::max(-kHugeValue, std::min(kHugeValue, lo));
    hi = std::max(-kHugeValue, std::min(kHugeValue, hi));
    // A span below 1e-9 of the values' size is a single value as far as a picture can tell.
    if (hi - lo <= 1e-9 * std::max(std::abs(lo), std::abs(hi))) {
        const double half = std::max(std::abs(lo) / 10.0, 0.5);
        return {lo - half, hi + half};
    }
    const double pad = (hi - lo) * margin;
    return {lo - pad, hi + pad};
}

Range positive_range(const std::vector<double>& values, double margin) {
    std::vector<double> logs;
    for (double v : values)
        if (std::isfinite(v) && v > 0.0) logs.push_back(std::log10(v));
    if (logs.empty()) return {1.0, 10.0};
    const Range r = finite_range(logs, margin);
    // 10^+-300 at most: the margins must neither overflow nor vanish to 0
    return {std::pow(10.0, std::max(-300.0, r.lo)), std::pow(10.0, std::min(300.0, r.hi))};
}

Range merge(Range a, Range b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }

}  // namespace wi
