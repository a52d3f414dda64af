// The native side of node:slab_hunter: the object its JS gets as internalBinding('slab_hunter').
#ifndef SLAB_HUNTER_TRACKER_V8_BINDING_H_
#define SLAB_HUNTER_TRACKER_V8_BINDING_H_

#include "v8.h"

namespace slab_hunter {

// Functions (makeWrappers, start, analyze, collectGarbage; for the flags watchEnding,
// printOverview, the main thread's only; for the start-up script noteSerializedError) and the
// flags' settings, for the isolate of the thread's session (the main one, or a Node 24
// Worker's). Empty, with an exception pending, if V8 could not make a part of it.
v8::MaybeLocal<v8::Object> CreateBinding(v8::Local<v8::Context> context);

// The builtin module's JS source (slab_hunter.js), compiled as Node compiles its own builtins.
extern const char kSlabHunterModuleSource[];
// The resource name its frames carry; CaptureStack skips them.
inline constexpr char kSlabHunterModuleName[] = "node:slab_hunter";

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_BINDING_H_
