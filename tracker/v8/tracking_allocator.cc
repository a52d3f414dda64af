#include "tracker/v8/tracking_allocator.h"

#include "tracker/core/records.h"
#include "tracker/v8/buffer_frames.h"
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

void TrackingAllocator::Free(void* data, size_t length) {
  // May run on a V8 worker thread (the ArrayBufferSweeper): the tracker locks, nothing here
  // touches V8.
  if (data != nullptr && session_.tracking()) {
    session_.sampling().OnStoreFreed(data);
    session_.tracker().OnStoreFreed(data);
  }
  node_allocator_->Free(data, length);
}

void TrackingAllocator::Record(void* data, size_t length) {
  if (data == nullptr || !session_.tracking()) return;
  v8::Isolate* isolate = session_.isolate();
  const bool on_isolate_thread = isolate != nullptr && v8::Isolate::TryGetCurrent() == isolate;
  // The call state belongs to the isolate's thread; other threads' stores are never a call's.
  const Session::BufferCall* call = on_isolate_thread ? &session_.current_call() : nullptr;
  if (call != nullptr && call->active &&
      (!call->may_run_user_code || InBufferInternals(isolate))) {
    // Node's Buffer code made it for the call. The call's view, made right after, gives it its
    // location and kind.
    const ByteSampler::Decision decision = session_.sampling().ForNewStore(data, length);
    if (decision.sampled) {
      session_.tracker().OnStoreAllocated(data, length, StoreOrigin::kPendingCall, kNoStack,
                                          call->level, decision.weight);
      session_.NotePendingStore();
    } else {
      session_.tracker().OnStoreAllocated(data, length, StoreOrigin::kNotSampled, kNoStack);
    }
    return;
  }
  // Other threads' stores are all tracked: sampling is the isolate thread's.
  const ByteSampler::Decision decision =
      on_isolate_thread ? session_.sampling().ForNewStore(data, length) : ByteSampler::Decision{
                                                                             true, 1};
  if (!decision.sampled) {
    session_.tracker().OnStoreAllocated(data, length, StoreOrigin::kNotSampled, kNoStack);
    return;
  }
  // Outside Buffer calls, or user code run inside one: located by its own stack.
  // A stack capture allocates on the JS heap, so a store made while capturing (there is none
  // today, but V8 may change) must not recurse into another capture.
  static thread_local bool capturing = false;
  StackId stack = kNoStack;
  if (on_isolate_thread && !capturing && isolate->InContext()) {
    capturing = true;
    stack = CaptureStack(isolate, session_);
    capturing = false;
  }
  session_.tracker().OnStoreAllocated(data, length, StoreOrigin::kOther, stack, 0,
                                      decision.weight);
}

}  // namespace slab_hunter
