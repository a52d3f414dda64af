#include "tracker/v8/tracking_allocator_node18.h"

#include "tracker/v8/session.h"

namespace slab_hunter {

void* ReallocatingTrackingAllocator::Reallocate(void* data, size_t old_length,
                                                size_t new_length) {
  void* moved = node_allocator().Reallocate(data, old_length, new_length);
  if (moved != nullptr && session().tracking()) {
    session().sampling().OnStoreFreed(data);
    session().tracker().OnStoreReallocated(data, moved, new_length);
  }
  return moved;
}

}  // namespace slab_hunter
