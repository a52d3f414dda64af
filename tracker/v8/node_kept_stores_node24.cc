#include <memory>

#include "node.h"
#include "tracker/v8/node_kept_stores.h"
#include "uv.h"

// Node 24 keeps, per environment, the store of a socket (or pipe, UDP, HTTP/2) read whose bytes
// it copied into a store of the read's size, and uses it for the next read
// (Environment::recycle_managed_buffer in src/env.cc; only a store never exposed to JS is
// kept). These three members of its internal Environment are exported by libnode, but their
// header, src/env.h, cannot be compiled outside Node's tree (Debian's libnode-dev leaves out
// headers it includes), so they are declared here as Node 24.21's src/env.h declares them.
namespace node {
class Environment {
 public:
  uv_buf_t allocate_managed_buffer(const size_t suggested_size);
  std::unique_ptr<v8::BackingStore> release_managed_buffer(const uv_buf_t& buf);
  void recycle_managed_buffer(std::unique_ptr<v8::BackingStore> bs);
};
}  // namespace node

namespace slab_hunter {
namespace {

// The size of the store Node keeps (kManagedBufferCacheSize in src/env.cc); a request of this
// size is served from the kept store.
constexpr size_t kNodeReadBufferSize = 64 * 1024;

}  // namespace

std::vector<uintptr_t> StoresNodeKeeps(v8::Local<v8::Context> context, const Tracker& tracker) {
  node::Environment* const env = node::GetCurrentEnvironment(context);
  if (env == nullptr) return {};
  // Borrow the read buffer the way a read does, and give it back as an empty read does: Node
  // hands out its kept store if it has one, else makes a new one.
  const int64_t before = tracker.clock().NowNanos();
  const uv_buf_t buffer = env->allocate_managed_buffer(kNodeReadBufferSize);
  std::unique_ptr<v8::BackingStore> store = env->release_managed_buffer(buffer);
  const auto address = reinterpret_cast<uintptr_t>(buffer.base);
  // A store made just now (Node kept none) is freed here, as Node would have no store kept.
  if (!tracker.HasStoreAllocatedBefore(address, before)) return {};
  env->recycle_managed_buffer(std::move(store));
  return {address};
}

}  // namespace slab_hunter
