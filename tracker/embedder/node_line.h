// The parts of running a Node instance that differ between Node lines; the build compiles
// node_line18.cc or node_line24.cc (--config=node18|node24). main.cc does the rest, the same
// on both.
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_NODE_LINE_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_NODE_LINE_H_

#include <memory>
#include <string>
#include <vector>

#include "node.h"
#include "tracker/v8/tracking_allocator.h"

namespace slab_hunter {

class Session;

namespace node_line {

// The main isolate's allocator, with the hooks this line's V8 has.
std::shared_ptr<TrackingAllocator> NewTrackingAllocator(Session& session);

// Node's LoadEnvironment, set up so that node:slab_hunter exists before any user code runs,
// then the preloads (which the embedder takes off Node's command line, see command_line.h) are
// loaded, then the program's main starts as in `node`.
v8::MaybeLocal<v8::Value> LoadEnvironment(node::Environment* env,
                                          const std::vector<std::string>& preloads);

// Disposes of the isolate and unregisters it from the platform, in the order this line needs.
void DisposeIsolate(node::MultiIsolatePlatform* platform, v8::Isolate* isolate);

}  // namespace node_line
}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_NODE_LINE_H_
