// ReallocatingTrackingAllocator: the TrackingAllocator for Node 18, whose V8 (10.2) can move a
// backing store with Allocator::Reallocate (V8 13.6, Node 24's, no longer has it).
#ifndef SLAB_HUNTER_TRACKER_V8_TRACKING_ALLOCATOR_NODE18_H_
#define SLAB_HUNTER_TRACKER_V8_TRACKING_ALLOCATOR_NODE18_H_

#include "tracker/v8/tracking_allocator.h"

namespace slab_hunter {

class ReallocatingTrackingAllocator final : public TrackingAllocator {
 public:
  using TrackingAllocator::TrackingAllocator;

  void* Reallocate(void* data, size_t old_length, size_t new_length) override;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_TRACKING_ALLOCATOR_NODE18_H_
