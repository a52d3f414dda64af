// Node 18: the builtin is registered from the StartExecutionCallback, which must then start the
// main itself (start_execution.h); the isolate leaves the platform before it is disposed.
#include "tracker/embedder/node_line.h"

#include "tracker/embedder/start_execution.h"
#include "tracker/v8/tracking_allocator_node18.h"

namespace slab_hunter::node_line {

std::shared_ptr<TrackingAllocator> NewTrackingAllocator(Session& session) {
  return std::make_shared<ReallocatingTrackingAllocator>(session);
}

v8::MaybeLocal<v8::Value> LoadEnvironment(node::Environment* env,
                                          const std::vector<std::string>& preloads) {
  return node::LoadEnvironment(env, [&](const node::StartExecutionCallbackInfo& info) {
    return StartExecution(info, preloads);
  });
}

void DisposeIsolate(node::MultiIsolatePlatform* platform, v8::Isolate* isolate) {
  platform->UnregisterIsolate(isolate);
  isolate->Dispose();
}

}  // namespace slab_hunter::node_line
