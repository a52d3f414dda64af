#include "tracker/embedder/preload_node24.h"

#include "tracker/embedder/embedded_scripts.h"
#include "tracker/v8/binding.h"
#include "tracker/v8/session.h"

namespace slab_hunter {

using v8::Context;
using v8::Function;
using v8::HandleScope;
using v8::Isolate;
using v8::Local;
using v8::Value;

void Preload(node::Environment* env, Local<Value> process, Local<Value> require,
             const std::vector<std::string>& preloads) {
  Isolate* isolate = Isolate::GetCurrent();
  if (isolate != Session::Get().isolate()) return;
  HandleScope scope(isolate);
  Local<Context> context = isolate->GetCurrentContext();

  Local<Function> module_function;
  Local<Function> preload_function;
  Local<v8::Array> preload_array;
  Local<v8::Object> binding;
  if (!CompileSlabHunterModule(context).ToLocal(&module_function) ||
      !CompileFunction(context, kPreloadSource, "node:internal/slab_hunter/preload",
                       {"process", "require", "slabHunterModule", "slabHunterBinding",
                        "preloads"})
           .ToLocal(&preload_function) ||
      !NewStringArray(context, preloads).ToLocal(&preload_array) ||
      !CreateBinding(context).ToLocal(&binding)) {
    return;
  }
  Local<Value> args[] = {process, require, module_function, binding, preload_array};
  // An exception stays pending: Node reports it as it reports one thrown by a -r preload.
  (void)preload_function->Call(context, v8::Undefined(isolate), std::size(args), args);
}

}  // namespace slab_hunter
