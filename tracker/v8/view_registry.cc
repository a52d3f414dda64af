#include "tracker/v8/view_registry.h"

#include <algorithm>
#include <cstdint>
#include <mutex>

#include "tracker/core/tracker.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"

namespace slab_hunter {

namespace {

// The fewest new slots between two sweeps: a sweep is a pass over every slot.
constexpr size_t kMinSweepInterval = 4096;

// A weak callback's parameter is the record's id itself, so a handle costs no allocation.
void* IdParameter(uint32_t id) { return reinterpret_cast<void*>(static_cast<uintptr_t>(id)); }

uint32_t IdOf(const v8::WeakCallbackInfo<void>& info) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(info.GetParameter()));
}

// Each store is recorded when the allocator frees it, and V8 frees stores only on a sweeper
// thread, some time after the collection that found their last ArrayBuffer dead. Sweeping at
// the end of the collection itself (V8's non-concurrent mode, which V8 also uses when it has to
// reduce memory) makes a dead store's record go when its ArrayBuffer does.
// V8's flags are the process's: set once, whichever isolate tracks first.
void SweepArrayBuffersAtCollection() {
  static std::once_flag once;
  std::call_once(once, [] {
    static constexpr char kFlag[] = "--no-concurrent-array-buffer-sweeping";
    v8::V8::SetFlagsFromString(kFlag, sizeof(kFlag) - 1);
  });
}

// The registry of the thread's session, if it has one.
ViewRegistry* CurrentRegistry() {
  Session* session = Session::Current();
  return session == nullptr ? nullptr : session->views_if_made();
}

}  // namespace

ViewRegistry::ViewRegistry(Session& session)
    : sweep_at_slots_(kMinSweepInterval), session_(session) {
  SweepArrayBuffersAtCollection();
}

ViewRegistry::~ViewRegistry() {
  for (auto& view : views_) view.Reset();
  for (auto& buffer : buffers_) buffer.handle.Reset();
}

void ViewRegistry::Track(v8::Isolate* isolate, v8::Local<v8::Uint8Array> view, ViewApi api,
                         uint32_t call_level, bool may_own_store, float store_sample_weight) {
  NewView created;
  created.store_sample_weight = store_sample_weight;
  created.call_level = call_level;
  created.may_own_store = may_own_store;
  created.offset = view->ByteOffset();
  created.length = view->ByteLength();
  created.api = api;
  v8::Local<v8::ArrayBuffer> buffer;
  if (view->HasBuffer()) {
    buffer = view->Buffer();
    created.store_data = buffer->Data();
    created.store_size = buffer->ByteLength();
  }
  created.stack = CaptureStack(isolate, session_);
  // Before the tracker picks an id: a sweep gives it collected views' ids to reuse.
  if (views_.size() >= sweep_at_slots_) SweepCollectedViews();
  ViewStore store;
  const ViewId id = session_.tracker().OnViewCreated(created, &store);
  if (id >= views_.size()) {
    views_.resize(id + 1);
    live_.resize(id + 1);
  }
  views_[id].Reset(isolate, view);
  views_[id].SetWeak();
  live_[id] = true;

  if (store.id != kNoStore) Watch(isolate, buffer, store);
}

void ViewRegistry::LeaveOutStore(v8::Isolate* isolate, v8::Local<v8::ArrayBuffer> buffer) {
  Watch(isolate, buffer,
        session_.tracker().OnStoreSeenUnsampled(buffer->Data(), buffer->ByteLength()));
}

void ViewRegistry::Watch(v8::Isolate* isolate, v8::Local<v8::ArrayBuffer> buffer,
                         const ViewStore& store) {
  if (store.id >= buffers_.size()) buffers_.resize(store.id + 1);
  WatchedBuffer& watched = buffers_[store.id];
  if (!watched.handle.IsEmpty() && watched.generation == store.generation) return;
  watched.handle.Reset(isolate, buffer);
  watched.watched_for_free = store.origin_unknown;
  if (store.origin_unknown) {
    watched.handle.SetWeak(IdParameter(store.id), &OnBufferCollected,
                           v8::WeakCallbackType::kParameter);
  } else {
    watched.handle.SetWeak();
  }
  watched.generation = store.generation;
}

void ViewRegistry::SweepCollectedViews() {
  collected_.clear();
  size_t live = 0;
  for (ViewId id = 0; id < views_.size(); ++id) {
    if (!live_[id]) continue;
    if (views_[id].IsEmpty()) {
      live_[id] = false;
      collected_.push_back(id);
    } else {
      ++live;
    }
  }
  if (!collected_.empty()) session_.tracker().OnViewsCollected(collected_);
  sweep_at_slots_ = views_.size() + std::max(live, kMinSweepInterval);
}

void ViewRegistry::ForgetDetachedViews(v8::Isolate* isolate) {
  SweepCollectedViews();
  for (ViewId id = 0; id < views_.size(); ++id) {
    if (views_[id].IsEmpty()) continue;
    v8::HandleScope scope(isolate);
    const v8::Local<v8::Uint8Array> view = views_[id].Get(isolate);
    // A detached view reads as length 0; HasBuffer first, so that a view whose bytes are on
    // the JS heap is never made to allocate a store.
    if (view->ByteLength() == 0 && view->HasBuffer() && view->Buffer()->WasDetached()) {
      session_.tracker().OnViewDetached(id);
    }
  }
  for (StoreId id = 0; id < buffers_.size(); ++id) {
    WatchedBuffer& watched = buffers_[id];
    if (!watched.watched_for_free || watched.handle.IsEmpty()) continue;
    v8::HandleScope scope(isolate);
    if (watched.handle.Get(isolate)->WasDetached()) {
      watched.handle.Reset();
      session_.tracker().OnStoreUnreachable(id, watched.generation);
    }
  }
}

absl::flat_hash_map<StoreId, v8::Local<v8::ArrayBuffer>> ViewRegistry::BuffersOf(
    v8::Isolate* isolate, const Snapshot& snapshot) const {
  absl::flat_hash_map<StoreId, v8::Local<v8::ArrayBuffer>> buffers;
  for (const Snapshot::LiveView& live : snapshot.views) {
    const StoreId store = live.record.store;
    if (store == kNoStore || live.id >= views_.size() || views_[live.id].IsEmpty() ||
        buffers.contains(store)) {
      continue;
    }
    const v8::Local<v8::Uint8Array> view = views_[live.id].Get(isolate);
    if (view->HasBuffer()) buffers.emplace(store, view->Buffer());
  }
  for (const Snapshot::LiveStore& live : snapshot.stores) {
    if (live.id >= buffers_.size() || buffers_[live.id].handle.IsEmpty()) continue;
    const v8::Local<v8::ArrayBuffer> buffer = buffers_[live.id].handle.Get(isolate);
    // A detached ArrayBuffer no longer holds the store (a transfer moved it).
    if (!buffer->WasDetached()) buffers.try_emplace(live.id, buffer);
  }
  return buffers;
}

void ViewRegistry::OnBufferCollected(const v8::WeakCallbackInfo<void>& info) {
  ViewRegistry* registry = CurrentRegistry();
  if (registry == nullptr) return;
  const StoreId id = IdOf(info);
  WatchedBuffer& watched = registry->buffers_[id];
  watched.handle.Reset();
  registry->session_.tracker().OnStoreUnreachable(id, watched.generation);
}

}  // namespace slab_hunter
