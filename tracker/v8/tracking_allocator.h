// TrackingAllocator: the isolate's ArrayBuffer::Allocator. It wraps Node's own allocator (so
// Buffer's zero-fill toggle keeps working on Node 18) and reports every backing store to the
// Session. Node 18's V8 also reallocates stores: see tracking_allocator_node18.h.
#ifndef SLAB_HUNTER_TRACKER_V8_TRACKING_ALLOCATOR_H_
#define SLAB_HUNTER_TRACKER_V8_TRACKING_ALLOCATOR_H_

#include <memory>

#include "node.h"

namespace slab_hunter {

class Session;

class TrackingAllocator : public node::ArrayBufferAllocator {
 public:
  explicit TrackingAllocator(Session& session);

  void* Allocate(size_t length) override;
  void* AllocateUninitialized(size_t length) override;
  void Free(void* data, size_t length) override;

 protected:
  Session& session() { return session_; }
  node::ArrayBufferAllocator& node_allocator() { return *node_allocator_; }

 private:
  // Node reaches its own allocator through this to flip Buffer's zero-fill flag. The wrapped
  // object is a node::NodeArrayBufferAllocator (single inheritance), so its address is the one.
  node::NodeArrayBufferAllocator* GetImpl() override;

  void Record(void* data, size_t length);

  Session& session_;
  std::unique_ptr<node::ArrayBufferAllocator> node_allocator_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_TRACKING_ALLOCATOR_H_
