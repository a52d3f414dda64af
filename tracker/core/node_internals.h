// Node's own module constants: the Buffers Node's built-in modules make while they load
// (`node:_http_server`'s header constants and the like). Every program that loads those modules
// has them; the reports fold them into one line so that the program's own sites stand out.
#ifndef SLAB_HUNTER_TRACKER_CORE_NODE_INTERNALS_H_
#define SLAB_HUNTER_TRACKER_CORE_NODE_INTERNALS_H_

#include "tracker/core/frame_tree.h"

namespace slab_hunter {

// Whether the site `stack` is a built-in module's top-level code: every frame is Node's own
// (a `node:` script) and one of them is the loader evaluating a built-in module. A stack cut
// off above the loader (--slab-hunter-stack-depth) is not recognised, and a user's module
// constant never is: its own frame is not Node's.
bool IsNodeInternalSite(const FrameTable& frames, const StackTree& stacks, StackId stack);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_NODE_INTERNALS_H_
