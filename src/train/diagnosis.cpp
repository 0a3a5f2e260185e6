#include "diagnosis.h"

#include <cmath>
#include <cstdio>

#include "../core/strf.h"

namespace wi {

namespace {
// Mean of the step losses in [from, to)
double mean_loss(const std::vector<float>& loss, std::size_t from, std::size_t to) {
    double s = 0;
    for (std::size_t i = from; i < to; ++i) s += loss[i];
    return s / static_cast<double>(to - from);
}
}  // namespace

std::vector<std::string> diagnose(const std::vector<LayerStats>& at_init, const TrainReport& report, Activation act) {
    std::vector<std::string> lines;
    const int last = static_cast<int>(at_init.size());
    const char* act_name = activation_name(act);
    for (const LayerStats& s : at_init)
        if (!std::isfinite(s.z_std)) {  // the first layer whose outputs overflow: every later number follows from it
            lines.push_back(strf("non-finite: layer %d's pre-activations are %s at init (the weights or their sums "
                                 "overflow float32)",
                                 s.layer, std::isnan(s.z_std) ? "NaN" : "infinite"));
            break;
        }
    for (const LayerStats& s : at_init) {
        // symmetry: identical units that also get identical gradients stay identical forever
        if (s.units > 1 && s.distinct_units < s.units && s.distinct_grads < s.units)
            lines.push_back(strf("symmetry: layer %d: %d distinct row%s of %d at init, and %d distinct gradient row%s "
                                   "- %s",
                                   s.layer, s.distinct_units, s.distinct_units == 1 ? "" : "s", s.units,
                                   s.distinct_grads, s.distinct_grads == 1 ? "" : "s",
                                   s.distinct_units == 1 ? "every unit computes the same function"
                                                         : "groups of units compute the same function"));
        if (s.layer < last && (s.grad_ratio < kVanishingRatio || s.grad_ratio > kExplodingRatio))
            lines.push_back(strf("%s gradients: layer %d gradient norm is %.2g x layer %d's at init (%.3g vs %.3g)",
                                   s.grad_ratio < kVanishingRatio ? "vanishing" : "exploding", s.layer, s.grad_ratio,
                                   last, s.grad_norm, at_init.back().grad_norm));
        if (s.saturated >= kSaturatedAlarm)
            lines.push_back(strf("saturation: layer %d: %.0f %% of %s units saturated at init (|z| > %g, z std %.3g)",
                                   s.layer, 100 * s.saturated, act_name, kSaturatedZ, s.z_std));
        if (s.dead >= kDeadAlarm)
            lines.push_back(strf("dead ReLUs: layer %d: %.0f %% of units output 0 for all %d probe images at init",
                                   s.layer, 100 * s.dead, kProbeImages));
    }
    if (report.diverged && !report.bad_parameter.empty())
        lines.push_back(strf("divergence: parameter %s found at step %ld (epoch %d), the loss still finite",
                               report.bad_parameter.c_str(), report.diverged_step, report.diverged_epoch));
    else if (report.diverged)
        lines.push_back(strf("divergence: loss became %s at step %ld (epoch %d)",
                               std::isnan(report.diverged_loss) ? "NaN" : "Inf", report.diverged_step,
                               report.diverged_epoch));
    // no learning: the first and last twentieth of the first epoch's steps, compared
    if (!report.epochs.empty() && report.epochs[0].steps >= 40) {
        const std::size_t steps = static_cast<std::size_t>(report.epochs[0].steps), k = steps / 20;
        const double first = mean_loss(report.step_loss, 0, k), end = mean_loss(report.step_loss, steps - k, steps);
        if (std::isfinite(first) && std::isfinite(end) && std::abs(end - first) < kNoLearningChange * std::abs(first))
            lines.push_back(strf("no learning: loss moved less than %.0f %% in the first epoch (%.4f -> %.4f)",
                                   100 * kNoLearningChange, first, end));
    }
    return lines;
}

}  // namespace wi
