#include "tracker/embedder/embedded_scripts.h"

#include <type_traits>

#include "tracker/v8/binding.h"
#include "tracker/v8/v8_values.h"

namespace slab_hunter {
namespace {

using v8::Context;
using v8::Function;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::String;

// V8 10.2 (Node 18) names a script's origin with its isolate; V8 13.6 (Node 24) without.
template <typename Origin = v8::ScriptOrigin>
Origin ScriptOriginNamed(Isolate* isolate, Local<String> name) {
  if constexpr (std::is_constructible_v<Origin, Isolate*, Local<String>>) {
    return Origin(isolate, name);
  } else {
    return Origin(name);
  }
}

}  // namespace

MaybeLocal<Function> CompileFunction(Local<Context> context, const char* source,
                                     const char* resource_name,
                                     std::initializer_list<const char*> parameters) {
  Isolate* isolate = context->GetIsolate();
  Local<String> name;
  Local<String> text;
  if (!NewString(isolate, resource_name).ToLocal(&name) ||
      !NewString(isolate, source).ToLocal(&text)) {
    return {};
  }
  v8::ScriptOrigin origin = ScriptOriginNamed(isolate, name);
  v8::ScriptCompiler::Source script_source(text, origin);
  std::vector<Local<String>> names;
  for (const char* parameter : parameters) {
    if (!NewString(isolate, parameter).ToLocal(&names.emplace_back())) return {};
  }
  return v8::ScriptCompiler::CompileFunction(context, &script_source, names.size(), names.data(),
                                             0, nullptr);
}

MaybeLocal<Function> CompileSlabHunterModule(Local<Context> context) {
  return CompileFunction(context, kSlabHunterModuleSource, kSlabHunterModuleName,
                         {"exports", "require", "module", "process", "internalBinding",
                          "primordials"});
}

MaybeLocal<v8::Value> RunStartupScript(Local<Context> context, const char* source,
                                      const char* resource_name, Local<v8::Value> process,
                                      Local<v8::Value> require,
                                      const std::vector<std::string>& preloads) {
  Local<Function> module_function;
  Local<Function> startup_function;
  Local<v8::Array> preload_array;
  Local<v8::Object> binding;
  if (!CompileSlabHunterModule(context).ToLocal(&module_function) ||
      !CompileFunction(context, source, resource_name,
                       {"process", "require", "slabHunterModule", "slabHunterBinding",
                        "preloads"})
           .ToLocal(&startup_function) ||
      !NewStringArray(context, preloads).ToLocal(&preload_array) ||
      !CreateBinding(context).ToLocal(&binding)) {
    return {};
  }
  Local<v8::Value> args[] = {process, require, module_function, binding, preload_array};
  return startup_function->Call(context, v8::Undefined(context->GetIsolate()), std::size(args),
                                args);
}

MaybeLocal<v8::Array> NewStringArray(Local<Context> context,
                                     const std::vector<std::string>& strings) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::Array> array = v8::Array::New(isolate, static_cast<int>(strings.size()));
  for (size_t i = 0; i < strings.size(); ++i) {
    Local<String> string;
    if (!NewString(isolate, strings[i]).ToLocal(&string) ||
        array->Set(context, static_cast<uint32_t>(i), string).IsNothing()) {
      return {};
    }
  }
  return array;
}

}  // namespace slab_hunter
