#include "tracker/embedder/start_execution.h"

#include "tracker/embedder/embedded_scripts.h"
#include "tracker/v8/binding.h"

namespace slab_hunter {

using v8::Context;
using v8::EscapableHandleScope;
using v8::Function;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::Value;

MaybeLocal<Value> StartExecution(const node::StartExecutionCallbackInfo& info,
                                 const std::vector<std::string>& preloads) {
  Isolate* isolate = info.process_object->GetIsolate();
  EscapableHandleScope scope(isolate);
  Local<Context> context = isolate->GetCurrentContext();

  // [main, ...its arguments]: Node's main script, called from here as Node calls it.
  Local<Value> prepared;
  if (!RunStartupScript(context, kStartExecutionSource, "node:internal/slab_hunter/start_execution",
                        info.process_object, info.native_require, preloads)
           .ToLocal(&prepared) ||
      !prepared->IsArray()) {
    return {};
  }
  Local<v8::Array> main_call = prepared.As<v8::Array>();
  std::vector<Local<Value>> main_args;
  for (uint32_t i = 1; i < main_call->Length(); ++i) {
    Local<Value> arg;
    if (!main_call->Get(context, i).ToLocal(&arg)) return {};
    main_args.push_back(arg);
  }
  Local<Value> main;
  if (!main_call->Get(context, 0).ToLocal(&main) || !main->IsFunction()) return {};
  return scope.EscapeMaybe(main.As<Function>()->Call(context, v8::Undefined(isolate),
                                                     static_cast<int>(main_args.size()),
                                                     main_args.data()));
}

}  // namespace slab_hunter
