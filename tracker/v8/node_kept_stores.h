// The backing stores Node itself keeps for later use and never hands to JS, so that a report
// leaves them out (AnalysisOptions::kept_by_node): no program can reach, free or be blamed for
// them. What Node keeps differs by line: node_kept_stores_node18.cc, node_kept_stores_node24.cc.
#ifndef SLAB_HUNTER_TRACKER_V8_NODE_KEPT_STORES_H_
#define SLAB_HUNTER_TRACKER_V8_NODE_KEPT_STORES_H_

#include <cstdint>
#include <vector>

#include "tracker/core/tracker.h"
#include "v8.h"

namespace slab_hunter {

// The addresses of the stores `tracker` tracks that the Node environment of `context` keeps for
// itself now. Isolate thread only; runs no JS, so it also works in interrupts.
std::vector<uintptr_t> StoresNodeKeeps(v8::Local<v8::Context> context, const Tracker& tracker);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_NODE_KEPT_STORES_H_
