#include "tracker/core/growth.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace slab_hunter {
namespace {

constexpr double kNanosPerMinute = 60e9;

double Median(std::vector<double>& values) {
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + middle);
  return (lower + upper) / 2;
}

// The Mann-Kendall statistic's z score, with the variance corrected for tied values (a flat
// series is all ties) and a continuity correction; 0 when every value is the same.
double MannKendallZ(absl::Span<const double> bytes) {
  const size_t n = bytes.size();
  double s = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      s += (bytes[j] > bytes[i]) - (bytes[j] < bytes[i]);
    }
  }
  std::vector<double> sorted(bytes.begin(), bytes.end());
  std::sort(sorted.begin(), sorted.end());
  const double dn = static_cast<double>(n);
  double variance = dn * (dn - 1) * (2 * dn + 5);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && sorted[j] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i);
    variance -= t * (t - 1) * (2 * t + 5);
    i = j;
  }
  variance /= 18;
  if (variance <= 0 || s == 0) return 0;
  return (s > 0 ? s - 1 : s + 1) / std::sqrt(variance);
}

// The median of the slopes between every two points (bytes per nanosecond).
double TheilSenSlope(absl::Span<const int64_t> times, absl::Span<const double> bytes) {
  std::vector<double> slopes;
  slopes.reserve(bytes.size() * (bytes.size() - 1) / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (size_t j = i + 1; j < bytes.size(); ++j) {
      if (times[j] == times[i]) continue;
      slopes.push_back((bytes[j] - bytes[i]) / static_cast<double>(times[j] - times[i]));
    }
  }
  return slopes.empty() ? 0 : Median(slopes);
}

}  // namespace

std::string_view GrowthVerdictName(GrowthVerdict verdict) {
  switch (verdict) {
    case GrowthVerdict::kUnknown: return "unknown";
    case GrowthVerdict::kSteady: return "steady";
    case GrowthVerdict::kGrowing: return "growing";
    case GrowthVerdict::kShrinking: return "shrinking";
  }
  return "unknown";
}

Growth AssessGrowth(absl::Span<const int64_t> times_nanos, absl::Span<const double> bytes,
                    const TrendTest& test) {
  Growth growth;
  const size_t n = std::min(times_nanos.size(), bytes.size());
  if (n < std::max<size_t>(test.min_points, 2)) return growth;
  const size_t recent = std::min(
      n, std::max(test.min_points, static_cast<size_t>(std::ceil(n * test.recent_share))));
  times_nanos = times_nanos.subspan(n - recent, recent);
  bytes = bytes.subspan(n - recent, recent);
  const double span = static_cast<double>(times_nanos.back() - times_nanos.front());
  if (span <= 0) return growth;
  const double slope = TheilSenSlope(times_nanos, bytes);
  growth.bytes_per_minute = slope * kNanosPerMinute;
  growth.verdict = GrowthVerdict::kSteady;
  const double z = MannKendallZ(bytes);
  std::vector<double> levels(bytes.begin(), bytes.end());
  const double level = std::fabs(Median(levels));
  const double change = std::fabs(slope) * span;
  // A series that starts from nothing has a median level of its own making; one byte keeps
  // the test defined for an all-zero series.
  if (change < test.min_relative_change * std::max(level, 1.0)) return growth;
  if (z >= test.min_z && slope > 0) growth.verdict = GrowthVerdict::kGrowing;
  if (z <= -test.min_z && slope < 0) growth.verdict = GrowthVerdict::kShrinking;
  return growth;
}

}  // namespace slab_hunter
