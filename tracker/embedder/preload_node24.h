// Preload: node:slab_hunter on Node 24, registered from LoadEnvironment's preload callback
// (preload_node24.js), after which Node starts the main script itself.
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_PRELOAD_NODE24_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_PRELOAD_NODE24_H_

#include <string>
#include <vector>

#include "node.h"

namespace slab_hunter {

// The preload callback's work; `require` is Node's internal require. Node runs it in every
// Worker too: a Worker's thread gets a session of its own (worker_sessions.h) and the builtin.
void Preload(node::Environment* env, v8::Local<v8::Value> process, v8::Local<v8::Value> require,
             const std::vector<std::string>& preloads);

// preload_node24.js.
extern const char kPreloadSource[];

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_PRELOAD_NODE24_H_
