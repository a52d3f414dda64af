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

// The current JS stack, at most session.stack_depth() frames. Must run on the isolate's thread
// with JS on the stack (a FunctionCallback or an allocation JS asked for); opens its own
// HandleScope. Returns kNoStack when no JS is on the stack.
StackId CaptureStack(v8::Isolate* isolate, Session& session);

// Gives back the frames and stacks no live record uses (see ReclaimStacks), renumbering the
// records' StackIds, and forgets what named the others (the stack cache). Isolate thread only,
// never between a capture and the record it is for. CaptureStack calls it when the session's
// ReclaimSchedule says so; a report calls it first.
void ReclaimUnusedStacks(Session& session);

// Clears the session's stack cache at the start of every full (mark-compact) collection.
void InstallStackCacheFlush(v8::Isolate* isolate, Session& session);
// Before the session goes while its isolate lives on.
void UninstallStackCacheFlush(v8::Isolate* isolate, Session& session);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_STACK_CAPTURE_H_
