// Growth: whether a site's held bytes grow over a run, from its timeline. A robust trend test:
// the Mann-Kendall test (is there a monotonic trend at all?) and the Theil-Sen slope (how fast),
// with a minimum relative change, so that noise around a flat cache reads as steady.
#ifndef SLAB_HUNTER_TRACKER_CORE_GROWTH_H_
#define SLAB_HUNTER_TRACKER_CORE_GROWTH_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/types/span.h"

namespace slab_hunter {

enum class GrowthVerdict : uint8_t {
  kUnknown,    // too few points to tell
  kSteady,     // no trend, or one too small to matter
  kGrowing,
  kShrinking,
};

// "unknown", "steady", "growing", "shrinking".
std::string_view GrowthVerdictName(GrowthVerdict verdict);

struct Growth {
  GrowthVerdict verdict = GrowthVerdict::kUnknown;
  // The Theil-Sen slope; unset when the verdict is kUnknown.
  std::optional<double> bytes_per_minute;
};

struct TrendTest {
  // Fewer points than this: kUnknown.
  size_t min_points = 8;
  // The verdict is on the latest share of the points (at least min_points of them): whether
  // the site is still growing, so that a cache that filled early and stays flat is steady.
  double recent_share = 0.5;
  // One-sided Mann-Kendall test at 1% per direction: z >= 2.326. On a series with no trend and
  // independent noise, at most 1% of series pass it (measured: see growth_test.cc).
  double min_z = 2.326;
  // The Theil-Sen line must change by at least this share of the series' median level over
  // the series' span, so that a slight but significant drift of a flat cache stays steady.
  double min_relative_change = 0.10;
};

// The verdict on the points (times_nanos[i], bytes[i]), times ascending, and the Theil-Sen
// slope of its recent share. O(n^2) in the number of points (the timeline keeps them few).
Growth AssessGrowth(absl::Span<const int64_t> times_nanos, absl::Span<const double> bytes,
                    const TrendTest& test = {});

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_GROWTH_H_
