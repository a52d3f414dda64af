#include "tracker/embedder/preload_node24.h"

#include "tracker/embedder/embedded_scripts.h"
#include "tracker/v8/binding.h"
#include "tracker/v8/session.h"
#include "tracker/v8/v8_values.h"
#include "tracker/v8/worker_sessions.h"

namespace slab_hunter {

using v8::Context;
using v8::Function;
using v8::HandleScope;
using v8::Isolate;
using v8::Local;
using v8::Value;

namespace {

// require('worker_threads').threadId, as Node numbers the thread; empty on failure.
v8::Maybe<int64_t> ThreadIdOf(Local<Context> context, Local<Value> require) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::String> name;
  Local<Value> module;
  Local<Value> thread_id;
  if (!require->IsFunction() || !NewString(isolate, "worker_threads").ToLocal(&name)) {
    return v8::Nothing<int64_t>();
  }
  Local<Value> args[] = {name};
  if (!require.As<Function>()->Call(context, v8::Undefined(isolate), 1, args).ToLocal(&module) ||
      !module->IsObject() ||
      !module.As<v8::Object>()
           ->Get(context, v8::String::NewFromUtf8Literal(isolate, "threadId"))
           .ToLocal(&thread_id) ||
      !thread_id->IsNumber()) {
    return v8::Nothing<int64_t>();
  }
  return v8::Just(static_cast<int64_t>(thread_id.As<v8::Number>()->Value()));
}

}  // namespace

void Preload(node::Environment* env, Local<Value> process, Local<Value> require,
             const std::vector<std::string>& preloads) {
  Isolate* isolate = Isolate::GetCurrent();
  HandleScope scope(isolate);
  Local<Context> context = isolate->GetCurrentContext();
  if (isolate != Session::Main().isolate()) {
    // A Worker's thread: a session of its own, located by the views it makes.
    int64_t thread_id;
    if (!ThreadIdOf(context, require).To(&thread_id)) return;
    worker_sessions::Start(env, isolate, thread_id);
  }

  // An exception stays pending: Node reports it as it reports one thrown by a -r preload.
  (void)RunStartupScript(context, kPreloadSource, "node:internal/slab_hunter/preload", process,
                         require, preloads);
}

}  // namespace slab_hunter
