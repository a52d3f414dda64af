// Analysis: turns a Snapshot into the seed's LeakOverview (big-buffer leaks and slab leaks,
// grouped by allocation site), each entry with who retains its memory, how much of it nothing
// reads, and a fix hint. Runs only when a report is asked for.
#ifndef SLAB_HUNTER_TRACKER_CORE_ANALYSIS_H_
#define SLAB_HUNTER_TRACKER_CORE_ANALYSIS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tracker/core/fix_hint.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/heap_views.h"
#include "tracker/core/leak_rules.h"
#include "tracker/core/retention.h"
#include "tracker/core/sampling.h"
#include "tracker/core/timeline.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {

// What both kinds of entry hold beyond the seed's size fields, and each report writes once for
// both: the site, how many, who retains the memory, how much of it nothing reads, the fix.
struct LeakEntry {
  StackId stack = kNoStack;
  uint64_t amount = 0;
  // The live views on the entry's stores, by creation site. Empty when only untracked code
  // holds them.
  std::vector<Retainer> retainers;
  double unreferenced_bytes = 0;
  FixHint hint = FixHint::kNone;
  std::vector<StoreId> stores;  // the stores behind the entry, ascending, each once
  // Every view of `stores` a heap snapshot found (getLeakStats({ verify: true })); unset when
  // no heap check ran.
  std::optional<std::vector<HeapView>> heap_views;
  // From the thread's timeline (site_history.h); unset when no timeline covers the thread.
  std::optional<SitePeak> peak;
  Growth growth;
  // What `amount` and `unreferenced_bytes` estimate, with their intervals; exact (no variance)
  // when every store is tracked, in which case they equal the plain fields.
  Estimate amount_estimate;
  Estimate unreferenced_estimate;
};

// A number field of the seed's entries, by its name in JS and JSON, and what it estimates.
struct SeedField {
  const char* name;
  double value;
  const Estimate* estimate;
};

// Live stores made for one Buffer (kBufferCall) or outside Buffer calls (kOther), >=
// big_buffer_cutoff bytes, old enough, by allocation site. Pool slabs and stores from before
// tracking began are never big-buffer leaks. unreferenced_bytes is summed over the stores; the
// hint is kCopyOut when a view shorter than its store keeps it, else kNone.
struct BigBufferLeak : LeakEntry {
  double total_size = 0;  // bytes, summed over the stores
  Estimate total_size_estimate;

  // The seed's fields after `amount`, in its order.
  std::array<SeedField, 1> SeedFields() const {
    return {{{"totalSize", total_size, &total_size_estimate}}};
  }
};

// Live views old enough whose store is >= kSlabRetainerRatio x their length, by creation site.
// Its retainers are every live view on the stores its views sit on, its own included; its
// unreferenced bytes are each store's split equally among the store's live views, summed over
// the entry's views, so that the entries' shares never add up to more than the stores hold; its
// hint is that of the API that made most of its views.
struct SlabLeak : LeakEntry {
  double total_leaked_bytes = 0;             // sum of (store size - view length)
  double normalised_total_leaked_bytes = 0;  // each term divided by the store's live views
  Estimate total_leaked_estimate;
  Estimate normalised_estimate;

  std::array<SeedField, 2> SeedFields() const {
    return {{{"totalLeakedBytes", total_leaked_bytes, &total_leaked_estimate},
             {"normalisedTotalLeakedBytes", normalised_total_leaked_bytes,
              &normalised_estimate}}};
  }
};

struct LeakOverview {
  std::vector<BigBufferLeak> big_buffer_leaks;  // by total_size, descending
  std::vector<SlabLeak> slab_leaks;             // by normalised_total_leaked_bytes, descending
  double total_big_buffer_leaks = 0;            // sum of total_size
  double total_slab_leaks = 0;                  // sum of normalised_total_leaked_bytes
  // Unreferenced bytes of every store behind an entry of either list, each store once.
  double total_unreferenced_bytes = 0;
  // What the three totals estimate. A store behind entries of both lists, or of two slab
  // entries, is one sampling unit: these are not the sums of the entries' estimates.
  Estimate total_big_buffer_estimate;
  Estimate total_slab_estimate;
  Estimate total_unreferenced_estimate;
  // Whether the records were sampled (AnalysisOptions::sample_interval > 0): the figures are
  // estimates, with intervals; at which mean interval and seed (of several threads or
  // processes: the largest interval, and the seed if they all had one).
  bool sampled = false;
  double sample_interval = 0;
  std::optional<uint64_t> sample_seed;
  // Sites the timeline saw hold memory that hold none now (a program that freed its leaks
  // before it ended), by peak descending: counted by no total and no budget.
  std::vector<PeakOnlySite> peak_only;
  // The thread's timeline, for the reports that show it; null when there is none.
  const Timeline* timeline = nullptr;
};

// Ties in the sort order are broken by StackId, so the result is deterministic.
LeakOverview Analyze(const Snapshot& snapshot, const AnalysisOptions& options);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_ANALYSIS_H_
