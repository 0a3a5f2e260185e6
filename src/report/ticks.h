// ticks.h - axis ranges and tick marks: where they go and how they are printed.
#pragma once
#include <string>
#include <vector>

namespace wi {

struct Range {
    double lo = 0.0, hi = 1.0;
};

// A step of 1, 2 or 5 x 10^k that cuts span into about target intervals.
double nice_step(double span, int target);
// The multiples of nice_step(r.hi - r.lo, target) that lie in r.
std::vector<double> nice_ticks(Range r, int target);
// A tick value printed with as many decimals as the step needs ("0.2", "1000", "0.05", "1e-08").
std::string tick_label(double value, double step);

// Log axes: ticks at powers of ten, 10^e for e a multiple of a nice step (1, 2, 5, 10, ...
// decades), so a range of 40 decades still gets a handful of labels.
std::vector<double> log_ticks(Range r, int target);
std::string log_tick_label(double value);  // "10⁻³", "10⁰", "10¹", "10⁴": every decade alike (superscript digits)
// Unlabelled minor ticks at 2..9 x 10^k inside r, when r spans at most 8 decades (else none).
std::vector<double> log_minor_ticks(Range r);

// The range of the finite values, widened by margin x span on each side (matplotlib's 5 %);
// a single value v gets v +- max(|v|/10, 0.5); no finite value gives [0, 1].
Range finite_range(const std::vector<double>& values, double margin = 0.05);
// The same for a log axis: the positive finite values, widened by margin x span in log10.
Range positive_range(const std::vector<double>& values, double margin = 0.05);
Range merge(Range a, Range b);

}  // namespace wi
