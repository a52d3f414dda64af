// One full, non-incremental garbage collection on demand, so that a report counts only what
// is reachable when it is made.
#ifndef SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_
#define SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_

#include "v8.h"

namespace slab_hunter {

// Sets up what CollectAllGarbageOnce uses; idempotent. Call where JS may run (it compiles V8's
// gc extension), before any report: reports are also made from interrupts, where it may not.
// The main isolate only (kept for the process's life).
void PrepareFullCollection(v8::Isolate* isolate);

// The collection itself; isolate thread only. Dead Buffers' views are retired and their stores
// freed before it returns: view handles have first-pass callbacks only, and tracking makes V8
// sweep ArrayBuffers inside the collection.
void CollectAllGarbageOnce(v8::Isolate* isolate);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_
