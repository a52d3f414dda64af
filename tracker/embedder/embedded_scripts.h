// What the start-up code of both Node lines needs to run its embedded scripts: compiling them
// as Node compiles its builtins, node:slab_hunter's own module function, and running them.
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_EMBEDDED_SCRIPTS_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_EMBEDDED_SCRIPTS_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "v8.h"

namespace slab_hunter {

// `source` as a function of `parameters`, its frames named `resource_name`.
v8::MaybeLocal<v8::Function> CompileFunction(v8::Local<v8::Context> context, const char* source,
                                             const char* resource_name,
                                             std::initializer_list<const char*> parameters);

// slab_hunter.js as a function of (exports, require, module, process, internalBinding,
// primordials), as Node's builtins are.
v8::MaybeLocal<v8::Function> CompileSlabHunterModule(v8::Local<v8::Context> context);

// Runs a start-up script (startup_common.js and the line's own, as one source) as a function
// of (process, require, slabHunterModule, slabHunterBinding, preloads), with Node's internal
// `require`; gives what it returns.
v8::MaybeLocal<v8::Value> RunStartupScript(v8::Local<v8::Context> context, const char* source,
                                          const char* resource_name,
                                          v8::Local<v8::Value> process,
                                          v8::Local<v8::Value> require,
                                          const std::vector<std::string>& preloads);

v8::MaybeLocal<v8::Array> NewStringArray(v8::Local<v8::Context> context,
                                         const std::vector<std::string>& strings);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_EMBEDDED_SCRIPTS_H_
