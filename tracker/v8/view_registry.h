// ViewRegistry: one weak v8::Global per tracked Buffer view, and one per ArrayBuffer those views
// share; when V8 collects either, its record is retired at once. (V8 frees a backing store only
// later, on a sweeper thread: waiting for the allocator's Free would report dead stores as
// live.) Isolate thread only.
#ifndef SLAB_HUNTER_TRACKER_V8_VIEW_REGISTRY_H_
#define SLAB_HUNTER_TRACKER_V8_VIEW_REGISTRY_H_

#include <vector>

#include "tracker/core/records.h"
#include "v8.h"

namespace slab_hunter {

class Session;

class ViewRegistry {
 public:
  explicit ViewRegistry(Session& session);
  ~ViewRegistry();
  ViewRegistry(const ViewRegistry&) = delete;
  ViewRegistry& operator=(const ViewRegistry&) = delete;

  // Records `view` (made by `api`) with the current JS stack as its location. Reads the view's
  // ArrayBuffer only if it already has one: a typed array whose bytes are still on the JS heap
  // is never made to allocate a backing store.
  void Track(v8::Isolate* isolate, v8::Local<v8::Uint8Array> view, ViewApi api);

  // The ArrayBuffer of a store some tracked view was made on, while it lives; empty otherwise.
  v8::Local<v8::ArrayBuffer> BufferOf(v8::Isolate* isolate, StoreId store) const;

 private:
  // The weak callback's parameter is the ViewId itself, so a tracked view costs no allocation
  // beyond its handle; the registry is found through `instance_` (one main isolate per process).
  static void OnViewCollected(const v8::WeakCallbackInfo<void>& info);
  static void OnBufferCollected(const v8::WeakCallbackInfo<void>& info);
  static ViewRegistry* instance_;

  // Indexed by ViewId; the tracker reuses ids of collected views, and so do these slots.
  std::vector<v8::Global<v8::Uint8Array>> views_;
  // Indexed by StoreId, with the store's address: a slot's store may be freed and its id reused
  // before the old ArrayBuffer's callback runs, and the tracker checks the pair.
  struct BufferHandle {
    v8::Global<v8::ArrayBuffer> handle;
    const void* data = nullptr;
  };
  std::vector<BufferHandle> buffers_;
  Session& session_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_VIEW_REGISTRY_H_
