// InBufferInternals: whether Node's Buffer code is the innermost JS running. Inside a Buffer
// call it tells the call's own work (its Buffer, a pool slab, a Buffer API Node calls) from
// user code the call runs (a getter Buffer.from reads, a valueOf Buffer.alloc's fill calls).
#ifndef SLAB_HUNTER_TRACKER_V8_BUFFER_FRAMES_H_
#define SLAB_HUNTER_TRACKER_V8_BUFFER_FRAMES_H_

namespace v8 {
class Isolate;
}

namespace slab_hunter {

class Session;

// Isolate thread only, with JS on the stack (a FunctionCallback, or an allocation JS asked for).
// Costs a raw sample of a few frames and a lookup; V8's stack-trace API runs only the first
// time a code position is seen after each garbage collection. Its caches are those of the
// thread's session (Session::Current()); false on a thread with none.
bool InBufferInternals(v8::Isolate* isolate);

// Clears InBufferInternals' cache at every garbage collection; once per session, before its
// first use. Uninstall before the session goes while its isolate lives on.
void InstallBufferFramesFlush(v8::Isolate* isolate, Session& session);
void UninstallBufferFramesFlush(v8::Isolate* isolate, Session& session);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_BUFFER_FRAMES_H_
