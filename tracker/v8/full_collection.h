// One full, non-incremental garbage collection on demand, so that a report counts only what
// is reachable when it is made.
#ifndef SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_
#define SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_

#include "v8.h"

namespace slab_hunter {

class Session;

// Sets up what CollectAllGarbageOnce uses, kept in `session` (the isolate's); idempotent. Call
// where JS may run (it compiles V8's gc extension), before any report: reports are also made
// from interrupts, where it may not.
void PrepareFullCollection(v8::Isolate* isolate, Session& session);

// The collection itself; isolate thread only. Dead Buffers' views are retired and their stores
// freed before it returns: view handles have first-pass callbacks only, and tracking makes V8
// sweep ArrayBuffers inside the collection. Where no function may be called (a Worker's
// environment being freed), V8's low-memory collections instead.
void CollectAllGarbageOnce(v8::Isolate* isolate, Session& session);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_FULL_COLLECTION_H_
