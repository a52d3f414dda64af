// StartExecution: the embedder's StartExecutionCallback. Registers node:slab_hunter and starts
// the program's main script as Node would (see start_execution.js).
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_START_EXECUTION_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_START_EXECUTION_H_

#include <string>
#include <vector>

#include "node.h"

namespace slab_hunter {

v8::MaybeLocal<v8::Value> StartExecution(const node::StartExecutionCallbackInfo& info,
                                         const std::vector<std::string>& preloads);

// start_execution.js.
extern const char kStartExecutionSource[];

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_START_EXECUTION_H_
