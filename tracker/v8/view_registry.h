// ViewRegistry: one weak v8::Global per tracked Buffer view, which V8 just clears when it
// collects the view (no callback, no lock); the registry retires the records of cleared handles
// in sweeps, amortised as slots grow and before anything reads the tracker. And one per ArrayBuffer those views share, for the heap check to find the
// views the hooks cannot see. Stores live until the allocator frees them (tracking makes V8
// sweep ArrayBuffers at the end of each collection, so that is as soon as the last ArrayBuffer
// holding them dies, however often they were transferred); only stores first seen through a
// view, whose free may never reach the allocator (a Worker's are all such), are retired when
// their ArrayBuffer is collected or detached (transferred out of the isolate).
// Isolate thread only; one per Session.
#ifndef SLAB_HUNTER_TRACKER_V8_VIEW_REGISTRY_H_
#define SLAB_HUNTER_TRACKER_V8_VIEW_REGISTRY_H_

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tracker/core/records.h"
#include "tracker/core/tracker.h"
#include "v8.h"

namespace slab_hunter {

class Session;

class ViewRegistry {
 public:
  explicit ViewRegistry(Session& session);
  ~ViewRegistry();
  ViewRegistry(const ViewRegistry&) = delete;
  ViewRegistry& operator=(const ViewRegistry&) = delete;

  // Records `view`, returned by a tracked call of `api` at `call_level` (Tracker::
  // OnStoreAllocated), with the current JS stack as its location. Reads the view's ArrayBuffer
  // only if it already has one: a typed array whose bytes are still on the JS heap is never
  // made to allocate a backing store.
  // `may_own_store`: see NewView.
  // `store_sample_weight`: NewView's.
  void Track(v8::Isolate* isolate, v8::Local<v8::Uint8Array> view, ViewApi api,
             uint32_t call_level, bool may_own_store, float store_sample_weight = 1);

  // Records `buffer`'s store, seen first through a view, as left out by sampling, and watches
  // the ArrayBuffer as it would a tracked one's, so that the record goes with the store.
  void LeaveOutStore(v8::Isolate* isolate, v8::Local<v8::ArrayBuffer> buffer);

  // Tells the tracker which views V8 has collected since the last sweep. Every reader of the
  // tracker's views (reports, timeline ticks, stack reclaims) sweeps first, so what it reads is
  // as if each view had been retired when it was collected.
  void SweepCollectedViews();

  // Sweeps, then tells the tracker which views' ArrayBuffers were detached (transferred) since they were
  // made: such a view holds no bytes, and a store first seen through a view (whose free is not
  // reported) has left this isolate. V8 says nothing at a detach, so this looks before a report.
  void ForgetDetachedViews(v8::Isolate* isolate);

  // The ArrayBuffer that now holds each store of `snapshot` that a live tracked view sits on,
  // or, for a store whose tracked views are gone, the one they were made on while it lives.
  absl::flat_hash_map<StoreId, v8::Local<v8::ArrayBuffer>> BuffersOf(
      v8::Isolate* isolate, const Snapshot& snapshot) const;

 private:
  // The weak callback's parameter is the StoreId itself, so a watched buffer costs no
  // allocation beyond its handle; the registry is that of the thread's session
  // (Session::Current()).
  static void OnBufferCollected(const v8::WeakCallbackInfo<void>& info);
  // Keeps a weak handle on the ArrayBuffer of a store tracked or left out (once per store).
  void Watch(v8::Isolate* isolate, v8::Local<v8::ArrayBuffer> buffer, const ViewStore& store);

  // Indexed by ViewId; the tracker reuses ids of collected views once swept, and so do these
  // slots. live_[id]: the tracker holds the view as live (an empty handle there: collected).
  std::vector<v8::Global<v8::Uint8Array>> views_;
  std::vector<bool> live_;
  // A sweep runs when this many slots exist: once as many slots have been added since the last
  // one as views were live after it (at least kMinSweepInterval), so that each sweep's walk over
  // every slot is paid for by at least as many tracked views.
  size_t sweep_at_slots_ = 0;
  std::vector<ViewId> collected_;  // a sweep's finds, kept to reuse its memory
  // Indexed by StoreId, with the generation of the store they were watched for (the id may be
  // reused before a callback runs). Stores of unknown origin have a callback; the others' handles
  // are just cleared by V8.
  struct WatchedBuffer {
    v8::Global<v8::ArrayBuffer> handle;
    uint32_t generation = 0;
    bool watched_for_free = false;  // a store of unknown origin: retired when this goes
  };
  std::vector<WatchedBuffer> buffers_;
  Session& session_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_VIEW_REGISTRY_H_
