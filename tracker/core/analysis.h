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
  // Addresses of stores Node itself keeps for later use and has never handed to JS (Node 24's
  // read buffer for the next socket read): no program can reach or free them. Such a store is
  // left out of the big-buffer analysis only while nothing says JS has it: it was made with no
  // JS running and no tracked view sits on it.
  std::vector<uintptr_t> kept_by_node;
  // Addresses of the stores in which Node has handed this thread another thread's uncaught
  // error, serialized (a Worker's), and whose ArrayBuffer still lives: Node made them for its
  // own code to read the error from, and the program never sees them. Known by the ArrayBuffer
  // Node's code read, not by where they were made (Node may make one with its own JS on the
  // stack); left out of the big-buffer analysis while no tracked view sits on them.
  std::vector<uintptr_t> serialized_errors;
};

// A view is a slab leak when its store is at least this many times its own length.
inline constexpr size_t kSlabRetainerRatio = 10;

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
};

// A number field of the seed's entries, by its name in JS and JSON.
struct SeedField {
  const char* name;
  double value;
};

// Live stores made for one Buffer (kBufferCall) or outside Buffer calls (kOther), >=
// big_buffer_cutoff bytes, old enough, by allocation site. Pool slabs and stores from before
// tracking began are never big-buffer leaks. unreferenced_bytes is summed over the stores; the
// hint is kCopyOut when a view shorter than its store keeps it, else kNone.
struct BigBufferLeak : LeakEntry {
  double total_size = 0;  // bytes, summed over the stores

  // The seed's fields after `amount`, in its order.
  std::array<SeedField, 1> SeedFields() const { return {{{"totalSize", total_size}}}; }
};

// Live views old enough whose store is >= kSlabRetainerRatio x their length, by creation site.
// Its retainers are every live view on the stores its views sit on, its own included; its
// unreferenced bytes are each store's split equally among the store's live views, summed over
// the entry's views, so that the entries' shares never add up to more than the stores hold; its
// hint is that of the API that made most of its views.
struct SlabLeak : LeakEntry {
  double total_leaked_bytes = 0;             // sum of (store size - view length)
  double normalised_total_leaked_bytes = 0;  // each term divided by the store's live views

  std::array<SeedField, 2> SeedFields() const {
    return {{{"totalLeakedBytes", total_leaked_bytes},
             {"normalisedTotalLeakedBytes", normalised_total_leaked_bytes}}};
  }
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
