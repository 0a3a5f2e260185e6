// diagnosis.h - what went wrong (or right), said from measurements, never canned text.
//
// Every line quotes the numbers it was decided on: the layer statistics at initialization
// (probe batch) and the run's own losses.
#pragma once
#include <string>
#include <vector>

#include "layer_stats.h"
#include "trainer.h"

namespace wi {

// Thresholds, each chosen far from where a healthy init (xavier, kaiming) sits on the seed model:
constexpr double kVanishingRatio = 1e-3;    // a layer's gradient norm below this x the last layer's
constexpr double kExplodingRatio = 1e3;     // ... or above this
constexpr double kSaturatedAlarm = 0.5;     // half of sigmoid/tanh pre-activations beyond |z| > 4
// A quarter of ReLU units silent on every probe image. Healthy inits are not free of dead units:
// xavier and kaiming on 784-32-32-10 relu show up to 16 % (5 of 32) at init over seeds 1-5.
constexpr double kDeadAlarm = 0.25;
constexpr double kNoLearningChange = 0.01;  // loss moved less than 1 % across the first epoch

std::vector<std::string> diagnose(const std::vector<LayerStats>& at_init, const TrainReport& report, Activation act);

}  // namespace wi
