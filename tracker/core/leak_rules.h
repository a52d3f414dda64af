// The rules that make a record part of a report's entry, in one place: Analyze applies them to
// a snapshot, and the timeline's tallies (Tracker::TallySites) to the live records.
#ifndef SLAB_HUNTER_TRACKER_CORE_LEAK_RULES_H_
#define SLAB_HUNTER_TRACKER_CORE_LEAK_RULES_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "tracker/core/records.h"

namespace slab_hunter {

struct AnalysisOptions {
  // A record is a potential leak once it is at least this old.
  int64_t leak_cutoff_nanos = 60'000'000'000;
  // Stores of at least this many bytes take part in the big-buffer analysis.
  size_t big_buffer_cutoff = 4000;
  // Records created before this instant are ignored (each setupSlabHunter() starts afresh).
  int64_t created_since_nanos = 0;
  // Records created at or after this instant are left out: a timeline's tick between
  // collections counts only what has survived one (see Session::TickTimeline).
  int64_t created_before_nanos = std::numeric_limits<int64_t>::max();
  // Addresses of stores Node itself keeps for later use and has never handed to JS (Node 24's
  // read buffer for the next socket read): no program can reach or free them.
  std::vector<uintptr_t> kept_by_node;
  // Addresses of the stores in which Node has handed this thread another thread's uncaught
  // error, serialized (a Worker's), and whose ArrayBuffer still lives: Node made them for its
  // own code to read the error from, and the program never sees them. Known by the ArrayBuffer
  // Node's code read, not by where they were made (Node may make one with its own JS on the
  // stack).
  std::vector<uintptr_t> serialized_errors;
  // The mean sampling interval in bytes the records were kept at (sampling.h); 0: every store.
  double sample_interval = 0;
  // The seed the sampler was given (reports name it, so that a run can be sampled again).
  std::optional<uint64_t> sample_seed;
};

// A view is a slab leak when its store is at least this many times its own length.
inline constexpr size_t kSlabRetainerRatio = 10;

// Whether a record created at `created` counts at `now`: recent enough to belong to this
// tracking session, and old enough that it should have been collected by now.
inline bool CountsAt(int64_t created, int64_t now, const AnalysisOptions& options) {
  if (created < options.created_since_nanos || created >= options.created_before_nanos) {
    return false;
  }
  return now - created >= options.leak_cutoff_nanos;
}

inline bool Listed(const std::vector<uintptr_t>& addresses, uintptr_t address) {
  return std::find(addresses.begin(), addresses.end(), address) != addresses.end();
}

// A store Node keeps for its own reuse (AnalysisOptions::kept_by_node), or one it reads another
// thread's error from (AnalysisOptions::serialized_errors): Node's, not the program's. The
// conditions besides the address keep it from ever hiding a store a view holds, or, for a kept
// store (known by its address only), one JS code made.
inline bool NodesOwn(const StoreRecord& store, const AnalysisOptions& options) {
  if (store.origin != StoreOrigin::kOther || store.live_views != 0) return false;
  if (Listed(options.serialized_errors, store.address)) return true;
  return store.stack == kNoStack && Listed(options.kept_by_node, store.address);
}

// Whether a live store is a big-buffer leak at `now`. Pool slabs are shared by many small
// Buffers; their waste is what the slab rule finds. A store from before tracking began has no
// known origin (Node's first pool slab is one); nor has one a sampled-out Buffer call made (it
// may be a slab). Still pending: not yet known.
inline bool IsBigBufferLeak(const StoreRecord& store, int64_t now,
                            const AnalysisOptions& options) {
  if (store.origin != StoreOrigin::kBufferCall && store.origin != StoreOrigin::kOther) {
    return false;
  }
  return store.size >= options.big_buffer_cutoff &&
         CountsAt(store.created_nanos, now, options) && !NodesOwn(store, options);
}

// Whether a live view on the live `store` is a slab leak at `now`. size >= ratio * length,
// written as a division so huge lengths cannot overflow; for integers
// floor(size / ratio) >= length is the same test.
inline bool IsSlabLeak(const ViewRecord& view, const StoreRecord& store, int64_t now,
                       const AnalysisOptions& options) {
  return CountsAt(view.created_nanos, now, options) &&
         store.size / kSlabRetainerRatio >= view.length;
}

// A slab leak's bytes: what its store holds beyond the view, and that shared among the store's
// live views (several views keeping one slab alive share the blame for it).
inline double SlabLeakedBytes(const ViewRecord& view, const StoreRecord& store) {
  return static_cast<double>(store.size - view.length);
}
inline double SlabNormalisedBytes(const ViewRecord& view, const StoreRecord& store) {
  return SlabLeakedBytes(view, store) /
         static_cast<double>(std::max<uint32_t>(store.live_views, 1));
}

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_LEAK_RULES_H_
