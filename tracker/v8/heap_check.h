// FindViewsInHeap: the exact check behind getLeakStats({ verify: true }). Takes a V8 heap
// snapshot and finds every view of the given ArrayBuffers - those the Buffer hooks cannot see
// too (new Uint8Array(buf.buffer, ...), DataView) - each with its retainer path from a GC root,
// as DevTools shows it. Costs a full heap snapshot: seconds on a large heap.
#ifndef SLAB_HUNTER_TRACKER_V8_HEAP_CHECK_H_
#define SLAB_HUNTER_TRACKER_V8_HEAP_CHECK_H_

#include <string>
#include <vector>

#include "tracker/core/heap_views.h"
#include "v8.h"

namespace slab_hunter {

// For each buffer in `buffers`, the views that reference it. Isolate thread only.
std::vector<std::vector<HeapView>> FindViewsInHeap(
    v8::Isolate* isolate, const std::vector<v8::Local<v8::ArrayBuffer>>& buffers);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_HEAP_CHECK_H_
