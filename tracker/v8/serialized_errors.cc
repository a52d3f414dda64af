#include "tracker/v8/serialized_errors.h"

#include <algorithm>

namespace slab_hunter {

void SerializedErrors::Note(v8::Isolate* isolate, v8::Local<v8::ArrayBufferView> serialized) {
  // A view whose bytes are still on the JS heap has no store to note, and is not made to
  // allocate one.
  if (!serialized->HasBuffer()) return;
  const auto collected = [](const v8::Global<v8::ArrayBuffer>& noted) { return noted.IsEmpty(); };
  auto slot = std::find_if(buffers_.begin(), buffers_.end(), collected);
  if (slot == buffers_.end()) slot = buffers_.emplace(buffers_.end());
  slot->Reset(isolate, serialized->Buffer());
  slot->SetWeak();
}

std::vector<uintptr_t> SerializedErrors::Addresses(v8::Isolate* isolate) const {
  std::vector<uintptr_t> addresses;
  v8::HandleScope scope(isolate);
  for (const v8::Global<v8::ArrayBuffer>& handle : buffers_) {
    if (handle.IsEmpty()) continue;
    const v8::Local<v8::ArrayBuffer> buffer = handle.Get(isolate);
    // A detached ArrayBuffer holds its store no more (a transfer moved it).
    if (buffer->WasDetached() || buffer->Data() == nullptr) continue;
    addresses.push_back(reinterpret_cast<uintptr_t>(buffer->Data()));
  }
  return addresses;
}

}  // namespace slab_hunter
