#include "tracker/v8/tracking_allocator.h"

#include "tracker/core/records.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "v8.h"

namespace slab_hunter {

TrackingAllocator::TrackingAllocator(Session& session)
    : session_(session), node_allocator_(node::ArrayBufferAllocator::Create()) {}

node::NodeArrayBufferAllocator* TrackingAllocator::GetImpl() {
  return reinterpret_cast<node::NodeArrayBufferAllocator*>(node_allocator_.get());
}

void* TrackingAllocator::Allocate(size_t length) {
  void* data = node_allocator_->Allocate(length);
  Record(data, length);
  return data;
}

void* TrackingAllocator::AllocateUninitialized(size_t length) {
  void* data = node_allocator_->AllocateUninitialized(length);
  Record(data, length);
  return data;
}

void* TrackingAllocator::Reallocate(void* data, size_t old_length, size_t new_length) {
  void* moved = node_allocator_->Reallocate(data, old_length, new_length);
  if (moved != nullptr && session_.tracking()) {
    session_.tracker().OnStoreReallocated(data, moved, new_length);
  }
  return moved;
}

void TrackingAllocator::Free(void* data, size_t length) {
  // May run on a V8 worker thread (the ArrayBufferSweeper): the tracker locks, nothing here
  // touches V8.
  if (data != nullptr && session_.tracking()) session_.tracker().OnStoreFreed(data);
  node_allocator_->Free(data, length);
}

void TrackingAllocator::Record(void* data, size_t length) {
  if (data == nullptr || !session_.tracking()) return;
  v8::Isolate* isolate = session_.isolate();
  const bool on_isolate_thread = isolate != nullptr && v8::Isolate::TryGetCurrent() == isolate;
  if (on_isolate_thread && session_.InTrackedCall()) {
    // The Buffer call's view, made right after, gives this store its location and kind.
    session_.tracker().OnStoreAllocated(data, length, StoreOrigin::kPendingCall, kNoStack);
    return;
  }
  // A stack capture allocates on the JS heap, so a store made while capturing (there is none
  // today, but V8 may change) must not recurse into another capture.
  static thread_local bool capturing = false;
  StackId stack = kNoStack;
  if (on_isolate_thread && !capturing && !session_.InSampledOutCall() && isolate->InContext()) {
    capturing = true;
    stack = CaptureStack(isolate, session_);
    capturing = false;
  }
  session_.tracker().OnStoreAllocated(data, length, StoreOrigin::kOther, stack);
}

}  // namespace slab_hunter
