#include "tracker/v8/view_registry.h"

#include <cstdint>

#include "tracker/core/tracker.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"

namespace slab_hunter {

ViewRegistry* ViewRegistry::instance_ = nullptr;

namespace {

void* IdParameter(uint32_t id) { return reinterpret_cast<void*>(static_cast<uintptr_t>(id)); }

uint32_t IdOf(const v8::WeakCallbackInfo<void>& info) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(info.GetParameter()));
}

}  // namespace

ViewRegistry::ViewRegistry(Session& session) : session_(session) { instance_ = this; }

ViewRegistry::~ViewRegistry() {
  for (auto& view : views_) view.Reset();
  for (auto& buffer : buffers_) buffer.handle.Reset();
  if (instance_ == this) instance_ = nullptr;
}

void ViewRegistry::Track(v8::Isolate* isolate, v8::Local<v8::Uint8Array> view, ViewApi api) {
  NewView created;
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
  StoreId store = kNoStore;
  const ViewId id = session_.tracker().OnViewCreated(created, &store);
  if (id >= views_.size()) views_.resize(id + 1);
  views_[id].Reset(isolate, view);
  views_[id].SetWeak(IdParameter(id), &OnViewCollected, v8::WeakCallbackType::kParameter);

  if (store == kNoStore) return;
  if (store >= buffers_.size()) buffers_.resize(store + 1);
  BufferHandle& watched = buffers_[store];
  if (!watched.handle.IsEmpty() && watched.data == created.store_data) return;
  watched.handle.Reset(isolate, buffer);
  watched.handle.SetWeak(IdParameter(store), &OnBufferCollected, v8::WeakCallbackType::kParameter);
  watched.data = created.store_data;
}

v8::Local<v8::ArrayBuffer> ViewRegistry::BufferOf(v8::Isolate* isolate, StoreId store) const {
  if (store >= buffers_.size() || buffers_[store].handle.IsEmpty()) return {};
  return buffers_[store].handle.Get(isolate);
}

void ViewRegistry::OnViewCollected(const v8::WeakCallbackInfo<void>& info) {
  ViewRegistry* registry = instance_;
  if (registry == nullptr) return;
  const ViewId id = IdOf(info);
  registry->views_[id].Reset();
  registry->session_.tracker().OnViewCollected(id);
}

void ViewRegistry::OnBufferCollected(const v8::WeakCallbackInfo<void>& info) {
  ViewRegistry* registry = instance_;
  if (registry == nullptr) return;
  const StoreId id = IdOf(info);
  BufferHandle& watched = registry->buffers_[id];
  watched.handle.Reset();
  registry->session_.tracker().OnStoreUnreachable(id, watched.data);
  watched.data = nullptr;
}

}  // namespace slab_hunter
