#include "tracker/embedder/preload_node24.h"

#include "tracker/v8/binding.h"
#include "tracker/v8/session.h"

namespace slab_hunter {
namespace {

using v8::Context;
using v8::Function;
using v8::HandleScope;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::String;
using v8::Value;

Local<String> Str(Isolate* isolate, const char* text) {
  return String::NewFromUtf8(isolate, text).ToLocalChecked();
}

// Compiles `source` as a function of `parameters`, as Node compiles its builtins.
MaybeLocal<Function> CompileFunction(Local<Context> context, const char* source,
                                     const char* resource_name,
                                     std::initializer_list<const char*> parameters) {
  Isolate* isolate = context->GetIsolate();
  v8::ScriptOrigin origin(Str(isolate, resource_name));
  v8::ScriptCompiler::Source script_source(Str(isolate, source), origin);
  std::vector<Local<String>> names;
  for (const char* parameter : parameters) names.push_back(Str(isolate, parameter));
  return v8::ScriptCompiler::CompileFunction(context, &script_source, names.size(), names.data(),
                                             0, nullptr);
}

}  // namespace

void Preload(node::Environment* env, Local<Value> process, Local<Value> require,
             const std::vector<std::string>& preloads) {
  Isolate* isolate = Isolate::GetCurrent();
  if (isolate != Session::Get().isolate()) return;
  HandleScope scope(isolate);
  Local<Context> context = isolate->GetCurrentContext();

  Local<Function> module_function;
  Local<Function> preload_function;
  if (!CompileFunction(context, kSlabHunterModuleSource, kSlabHunterModuleName,
                       {"exports", "require", "module", "process", "internalBinding",
                        "primordials"})
           .ToLocal(&module_function) ||
      !CompileFunction(context, kPreloadSource, "node:internal/slab_hunter/preload",
                       {"process", "require", "slabHunterModule", "slabHunterBinding",
                        "preloads"})
           .ToLocal(&preload_function)) {
    return;
  }
  Local<v8::Array> preload_array = v8::Array::New(isolate, static_cast<int>(preloads.size()));
  for (size_t i = 0; i < preloads.size(); ++i) {
    Local<String> preload;
    if (!String::NewFromUtf8(isolate, preloads[i].c_str()).ToLocal(&preload) ||
        preload_array->Set(context, static_cast<uint32_t>(i), preload).IsNothing()) {
      return;
    }
  }
  Local<Value> args[] = {process, require, module_function, CreateBinding(context),
                         preload_array};
  // An exception stays pending: Node reports it as it reports one thrown by a -r preload.
  (void)preload_function->Call(context, v8::Undefined(isolate), std::size(args), args);
}

}  // namespace slab_hunter
