#include "tracker/core/stack_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace slab_hunter {

uint64_t StackCache::HashOf(absl::Span<const uintptr_t> sample) {
  return absl::HashOf(sample);
}

std::optional<StackId> StackCache::Find(absl::Span<const uintptr_t> sample) const {
  auto it = entries_.find(HashOf(sample));
  if (it == entries_.end() || !std::equal(sample.begin(), sample.end(), it->second.sample.begin(),
                                          it->second.sample.end())) {
    return std::nullopt;
  }
  return it->second.stack;
}

void StackCache::Insert(absl::Span<const uintptr_t> sample, StackId stack, uint64_t generation) {
  if (generation != generation_) return;
  // A colliding sample replaces the older one: a miss later costs a capture, never a wrong stack.
  entries_[HashOf(sample)] = Entry{std::vector<uintptr_t>(sample.begin(), sample.end()), stack};
}

void StackCache::Clear() {
  entries_.clear();
  ++generation_;
}

}  // namespace slab_hunter
