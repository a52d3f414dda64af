// Analysis: turns a Snapshot into the seed's LeakOverview (big-buffer leaks and slab leaks,
// grouped by allocation site), each entry with who retains its memory, how much of it nothing
// reads, and a fix hint. Runs only when a report is asked for.
#ifndef SLAB_HUNTER_TRACKER_CORE_ANALYSIS_H_
#define SLAB_HUNTER_TRACKER_CORE_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracker/core/fix_hint.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/retention.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {

struct AnalysisOptions {
  // A record is a potential leak once it is at least this old.
  int64_t leak_cutoff_nanos = 60'000'000'000;
  // Stores of at least this many bytes take part in the big-buffer analysis.
  size_t big_buffer_cutoff = 4000;
  // Records created before this instant are ignored (each setupSlabHunter() starts afresh).
  int64_t created_since_nanos = 0;
};

// A view is a slab leak when its store is at least this many times its own length.
inline constexpr size_t kSlabRetainerRatio = 10;

// Live stores made for one Buffer (kBufferCall) or outside Buffer calls (kOther), >=
// big_buffer_cutoff bytes, old enough, by allocation site. Pool slabs and stores from before
// tracking began are never big-buffer leaks.
struct BigBufferLeak {
  StackId stack = kNoStack;
  uint64_t amount = 0;
  double total_size = 0;  // bytes, summed over the stores
  // The live views on the stores, by creation site. Empty when only untracked code holds them.
  std::vector<Retainer> retainers;
  double unreferenced_bytes = 0;  // summed over the stores
  // kCopyOut when a view shorter than its store keeps it, else kNone.
  FixHint hint = FixHint::kNone;
  std::vector<StoreId> stores;  // the entry's stores, ascending (for the heap-snapshot check)
};

// Live views old enough whose store is >= kSlabRetainerRatio x their length, by creation site.
struct SlabLeak {
  StackId stack = kNoStack;
  uint64_t amount = 0;
  double total_leaked_bytes = 0;             // sum of (store size - view length)
  double normalised_total_leaked_bytes = 0;  // each term divided by the store's live views
  // Every live view on the stores the entry's views sit on, the entry's own included.
  std::vector<Retainer> retainers;
  // Each store's unreferenced bytes split equally among its live views, summed over the
  // entry's views: the entries' shares never add up to more than the stores hold.
  double unreferenced_bytes = 0;
  FixHint hint = FixHint::kNone;  // from the API that made most of the entry's views
  std::vector<StoreId> stores;    // the stores its views sit on, ascending, each once
};

struct LeakOverview {
  std::vector<BigBufferLeak> big_buffer_leaks;  // by total_size, descending
  std::vector<SlabLeak> slab_leaks;             // by normalised_total_leaked_bytes, descending
  double total_big_buffer_leaks = 0;            // sum of total_size
  double total_slab_leaks = 0;                  // sum of normalised_total_leaked_bytes
  // Unreferenced bytes of every store behind an entry of either list, each store once.
  double total_unreferenced_bytes = 0;
};

// Ties in the sort order are broken by StackId, so the result is deterministic.
LeakOverview Analyze(const Snapshot& snapshot, const AnalysisOptions& options);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_ANALYSIS_H_
