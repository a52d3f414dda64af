// BufferApiWrappers: the tracked stand-ins for Node's Buffer APIs, and for
// Function.prototype.toString. They are C++ API functions, which V8 leaves out of Error stacks,
// and toString gives each original's source text for its stand-in: user code sees Node's own
// functions. (V8 makes a constructible API function a sloppy-mode one, with own `arguments`
// and `caller` properties: that, and CallSite.getMethodName() for the original's frame, are
// what differs.) One per Session, on its isolate's thread.
#ifndef SLAB_HUNTER_TRACKER_V8_WRAPPERS_H_
#define SLAB_HUNTER_TRACKER_V8_WRAPPERS_H_

#include <memory>
#include <string>
#include <vector>

#include "tracker/core/records.h"
#include "tracker/v8/session.h"
#include "v8.h"

namespace slab_hunter {

class Session;
class ViewRegistry;

// What to stand in for.
struct WrapperSpec {
  v8::Local<v8::Function> original;
  // A ViewApi name (ViewApiName), or "toString" for Function.prototype.toString.
  std::string name;
  // If set, only calls whose receiver is a Uint8Array with this object on its prototype chain
  // are tracked (Uint8Array.prototype.subarray on a Buffer); others pass straight through.
  v8::Local<v8::Object> tracked_receivers;
};

class BufferApiWrappers {
 public:
  BufferApiWrappers(Session& session, ViewRegistry& views);
  // Only once no stand-in can run any more (its isolate runs no JS).
  ~BufferApiWrappers();
  BufferApiWrappers(const BufferApiWrappers&) = delete;
  BufferApiWrappers& operator=(const BufferApiWrappers&) = delete;

  // The stand-ins for `specs`, in order: each calls its original with the same receiver and
  // arguments (a construct call as Reflect.construct with the same new.target, through
  // `reflect_construct`), returns or throws what it does, and is a constructor only if the
  // original is. A Buffer API's stand-in runs its original as a tracked Buffer call and tracks
  // the Buffer it returns. Makes all or none: on bad input, an exception is pending.
  v8::MaybeLocal<v8::Array> Make(v8::Local<v8::Context> context,
                                 const std::vector<WrapperSpec>& specs,
                                 v8::Local<v8::Function> reflect_construct);

 private:
  struct Wrapped;
  static void CallBufferApi(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void CallToString(const v8::FunctionCallbackInfo<v8::Value>& info);
  // Tracks the view `call` returned if its store is sampled (all are, unless sampling);
  // returns whether it did.
  bool TrackIfSampled(v8::Isolate* isolate, v8::Local<v8::Uint8Array> view,
                      const Session::BufferCall& call, bool may_own_store);
  // Calls the original as `info` called its stand-in.
  v8::MaybeLocal<v8::Value> CallOriginal(const v8::FunctionCallbackInfo<v8::Value>& info,
                                         v8::Local<v8::Function> original,
                                         v8::Local<v8::Value> receiver);

  Session& session_;
  ViewRegistry& views_;
  v8::Global<v8::Function> reflect_construct_;
  // A stand-in's callback data points into it: kept as long as stand-ins may run.
  std::vector<std::unique_ptr<Wrapped>> wrapped_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_WRAPPERS_H_
