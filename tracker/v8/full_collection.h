// CollectAllGarbageOnce: one full, non-incremental garbage collection on demand, so that a
// report counts only what is reachable when it is made.
#ifndef SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_
#define SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_

#include "v8.h"

namespace slab_hunter {

// Isolate thread only; the main isolate only (the function is kept for the process's life).
// Dead Buffers' views are retired and their stores freed before it returns: view handles have
// first-pass callbacks only, and tracking makes V8 sweep ArrayBuffers inside the collection.
void CollectAllGarbageOnce(v8::Isolate* isolate);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_
