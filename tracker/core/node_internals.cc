#include "tracker/core/node_internals.h"

#include <string_view>

namespace slab_hunter {

bool IsNodeInternalSite(const FrameTable& frames, const StackTree& stacks, StackId stack) {
  // Node 18's internal/bootstrap/loaders and Node 24's internal/bootstrap/realm both name the
  // function that runs a built-in module's code this way.
  constexpr std::string_view kBuiltinLoader = "compileForInternalLoader";
  bool loading_builtin = false;
  for (const FrameId id : stacks.Frames(stack)) {
    const Frame& frame = frames.Get(id);
    if (std::string_view(frame.script).substr(0, 5) != "node:") return false;
    if (frame.function == kBuiltinLoader) loading_builtin = true;
  }
  return loading_builtin;
}

}  // namespace slab_hunter
