// CheckHeap: the exact check behind getLeakStats({ verify: true }). Takes a V8 heap snapshot and
// finds every view of each entry's stores - those the Buffer hooks cannot see too
// (new Uint8Array(buf.buffer, ...), DataView) - each with its retainer path from a GC root, as
// DevTools shows it. Costs a full heap snapshot: seconds on a large heap.
#ifndef SLAB_HUNTER_TRACKER_V8_HEAP_CHECK_H_
#define SLAB_HUNTER_TRACKER_V8_HEAP_CHECK_H_

#include "absl/functional/function_ref.h"
#include "tracker/core/analysis.h"
#include "tracker/v8/view_registry.h"
#include "v8.h"

namespace slab_hunter {

// Sets every entry of `overview` (analysed from `snapshot`) its heap_views: all views of its
// stores (of those `registry` has an ArrayBuffer for), whichever other entries share them.
// Isolate thread only. `stop_requested` is asked as the check goes: when it answers true (a
// signal came to end the program), the check stops, no entry gets heap_views, and it returns
// false.
bool CheckHeap(v8::Isolate* isolate, const ViewRegistry& registry, const Snapshot& snapshot,
               LeakOverview& overview, absl::FunctionRef<bool()> stop_requested);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_HEAP_CHECK_H_
