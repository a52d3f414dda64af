// SerializedErrors: the stores in which Node hands a thread another thread's uncaught error,
// serialized (a Worker's: Node's code turns it back into an error, and the program never sees
// the store), known by the ArrayBuffer Node's code reads it from, for as long as that lives. A
// report leaves them out (AnalysisOptions::serialized_errors). Isolate thread only; one per
// Session.
#ifndef SLAB_HUNTER_TRACKER_V8_SERIALIZED_ERRORS_H_
#define SLAB_HUNTER_TRACKER_V8_SERIALIZED_ERRORS_H_

#include <cstdint>
#include <vector>

#include "v8.h"

namespace slab_hunter {

class SerializedErrors {
 public:
  // Notes the store of `serialized`, the bytes Node's code reads an error from.
  void Note(v8::Isolate* isolate, v8::Local<v8::ArrayBufferView> serialized);

  // The addresses of the noted stores whose ArrayBuffer still lives and holds them.
  std::vector<uintptr_t> Addresses(v8::Isolate* isolate) const;

 private:
  // Weak: an ArrayBuffer collected leaves an empty handle, which the next Note reuses; its store
  // (and so its address) lives at least as long as the ArrayBuffer.
  std::vector<v8::Global<v8::ArrayBuffer>> buffers_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_SERIALIZED_ERRORS_H_
