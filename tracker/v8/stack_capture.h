// CaptureStack: the current JS stack as an interned StackId, with the tracker's own frames and
// Node's Buffer internals above the user's call left out.
#ifndef SLAB_HUNTER_TRACKER_V8_STACK_CAPTURE_H_
#define SLAB_HUNTER_TRACKER_V8_STACK_CAPTURE_H_

#include "tracker/core/frame_tree.h"

namespace v8 {
class Isolate;
}

namespace slab_hunter {

class Session;

// Script names whose frames are skipped while they are the innermost frames: the builtin
// module's own wrappers and node's lib/buffer.js and lib/internal/buffer.js.
bool IsBufferInternalScript(const char* name, size_t length);

// Must run on the isolate's thread, inside a HandleScope-free context is fine (it opens one).
// Returns kNoStack when no JS is on the stack.
StackId CaptureStack(v8::Isolate* isolate, Session& session);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_STACK_CAPTURE_H_
