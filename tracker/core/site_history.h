// Site history: what a thread's timeline adds to its overview (each entry's peak and growth,
// the sites that held memory only earlier), and the growth gate over several threads.
#ifndef SLAB_HUNTER_TRACKER_CORE_SITE_HISTORY_H_
#define SLAB_HUNTER_TRACKER_CORE_SITE_HISTORY_H_

#include <vector>

#include "absl/types/span.h"
#include "tracker/core/analysis.h"
#include "tracker/core/growth.h"
#include "tracker/core/thread_overview.h"
#include "tracker/core/timeline.h"

namespace slab_hunter {

// Sets each entry's peak and growth from `timeline` (an entry it has no series for: its own
// bytes now, at `now_nanos`, growth unknown), lists in overview.peak_only the timeline's sites
// that are not entries, and points overview.timeline at it. The timeline's last tick should be
// the one taken with the overview's snapshot, so that a peak is never below what is held now.
void AddSiteHistory(const Timeline& timeline, int64_t now_nanos, LeakOverview& overview,
                    const TrendTest& test = {});

// A site the growth gate names.
struct GrowingSite {
  SiteKey site;
  double bytes_per_minute = 0;
  const ThreadOverview* thread = nullptr;
};

// The sites (entries and peak-only ones) whose verdict is growing at more than
// `bytes_per_minute`, fastest first.
// How many sites the threads' reports hold (entries and peak-only sites), and how many of
// them have a verdict other than unknown.
struct SiteVerdictCount {
  size_t sites = 0;
  size_t judged = 0;
};
SiteVerdictCount CountSiteVerdicts(absl::Span<const ThreadOverview> threads);

std::vector<GrowingSite> GrowingFasterThan(absl::Span<const ThreadOverview> threads,
                                           double bytes_per_minute);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_SITE_HISTORY_H_
