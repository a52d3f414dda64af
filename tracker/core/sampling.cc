#include "tracker/core/sampling.h"

#include <algorithm>
#include <cmath>

namespace slab_hunter {

namespace {

// The two-sided 95% quantile of the normal distribution.
constexpr double kZ95 = 1.959963984540054;

}  // namespace

double SampleProbability(double bytes, double interval) {
  if (interval <= 0) return 1;
  return -std::expm1(-std::max(bytes, 1.0) / interval);
}

ByteSampler::ByteSampler(double interval, uint64_t seed)
    : interval_(interval), random_(seed), bytes_to_next_point_(0) {
  bytes_to_next_point_ = NextGap();
}

double ByteSampler::NextGap() {
  // A uniform in (0, 1] from the top 53 bits, spelled out so a seed gives the same run on
  // every standard library.
  const double uniform = (static_cast<double>(random_() >> 11) + 1) * 0x1p-53;
  return -std::log(uniform) * interval_;
}

ByteSampler::Decision ByteSampler::Next(double bytes) {
  if (interval_ <= 0) return {true, 1};
  bytes = std::max(bytes, 1.0);
  if (bytes < bytes_to_next_point_) {
    bytes_to_next_point_ -= bytes;
    return {false, 1};
  }
  // The points after the one that fell in this store are irrelevant to it; the gap from its end
  // to the next is a fresh exponential (memorylessness).
  bytes_to_next_point_ = NextGap();
  return {true, static_cast<float>(1 / SampleProbability(bytes, interval_))};
}

void Estimate::AddStore(double part, double weight) {
  value += part * weight;
  observed += part;
  // 1/p = weight: (1 - p) (y/p)^2 = (weight - 1) weight y^2.
  variance += (weight - 1) * weight * part * part;
}

void Estimate::BoundUnseen(double interval) {
  if (observed > 0 || interval <= 0) return;
  const double high = std::log(20.0) * interval;
  variance = std::max(variance, (high / kZ95) * (high / kZ95));
}

void Estimate::Add(const Estimate& other) {
  value += other.value;
  variance += other.variance;
  observed += other.observed;
}

double Estimate::Low() const { return std::max(observed, value - kZ95 * std::sqrt(variance)); }

double Estimate::High() const { return value + kZ95 * std::sqrt(variance); }

}  // namespace slab_hunter
