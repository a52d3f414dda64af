// Node 24: the builtin is registered from LoadEnvironment's preload callback and Node starts the
// main itself (preload_node24.h); the isolate is disposed of before it leaves the platform.
#include "tracker/embedder/node_line.h"

#include "tracker/embedder/preload_node24.h"

namespace slab_hunter::node_line {

std::shared_ptr<TrackingAllocator> NewTrackingAllocator(Session& session) {
  return std::make_shared<TrackingAllocator>(session);
}

v8::MaybeLocal<v8::Value> LoadEnvironment(node::Environment* env,
                                          const std::vector<std::string>& preloads) {
  // Node keeps the callback for the environment's Workers, which may outlive this call: it
  // holds its own copy of the preloads.
  return node::LoadEnvironment(
      env, node::StartExecutionCallback{},
      [preloads](node::Environment* env, v8::Local<v8::Value> process,
                 v8::Local<v8::Value> require) { Preload(env, process, require, preloads); });
}

void DisposeIsolate(node::MultiIsolatePlatform* platform, v8::Isolate* isolate) {
  platform->DisposeIsolate(isolate);
}

}  // namespace slab_hunter::node_line
