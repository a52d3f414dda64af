// Preload: node:slab_hunter on Node 24, registered from LoadEnvironment's preload callback
// (preload_node24.js), after which Node starts the main script itself.
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_PRELOAD_NODE24_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_PRELOAD_NODE24_H_

#include <string>
#include <vector>

#include "node.h"

namespace slab_hunter {

// The preload callback's work; `require` is Node's internal require. On a Worker's thread it
// does nothing: the tracker and the builtin belong to the main isolate.
void Preload(node::Environment* env, v8::Local<v8::Value> process, v8::Local<v8::Value> require,
             const std::vector<std::string>& preloads);

// preload_node24.js.
extern const char kPreloadSource[];

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_PRELOAD_NODE24_H_
