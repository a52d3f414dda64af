// StackCache: maps a cheap key of a call path (the raw frame addresses of a V8 stack sample, or
// a frame walk's key, tagged apart: tracker/v8/frame_walk.h) to the interned StackId a full
// capture gave for it (costly), so each call path is captured in full once.
// The addresses name code and bytecode that the engine may move or free in a full garbage
// collection, so the cache is cleared on every full collection (Clear, and the generation), and
// whenever the stack tables renumber their stacks (ReclaimStacks).
// A sample holds the JS frames' code positions only, so two calls it cannot tell apart share an
// entry and get the stack of the first one captured since the last full collection (verified
// hits count them as mismatches): closures of one function that the engine names apart
// (Object.defineProperty(f, 'name', ...), computed method keys) reached along one call path, and
// one call site calling through a variable that is Reflect.construct or Reflect.apply (`new F`
// against `F`). A `new F()` and an `F()` written in the source are two call sites: they differ.
#ifndef SLAB_HUNTER_TRACKER_CORE_STACK_CACHE_H_
#define SLAB_HUNTER_TRACKER_CORE_STACK_CACHE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "tracker/core/frame_tree.h"

namespace slab_hunter {

class StackCache {
 public:
  std::optional<StackId> Find(absl::Span<const uintptr_t> sample) const;
  // Records `stack` for `sample`, unless a full collection happened since `generation` was read
  // (the sample's addresses may then name other code).
  void Insert(absl::Span<const uintptr_t> sample, StackId stack, uint64_t generation);
  // A full garbage collection is starting, or the stacks were renumbered.
  void Clear();

  uint64_t generation() const { return generation_; }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::vector<uintptr_t> sample;
    StackId stack;
  };
  static uint64_t HashOf(absl::Span<const uintptr_t> sample);

  // Keyed by the sample's hash; the sample is kept to tell collisions from hits.
  absl::flat_hash_map<uint64_t, Entry> entries_;
  uint64_t generation_ = 0;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_STACK_CACHE_H_
