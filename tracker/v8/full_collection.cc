#include "tracker/v8/full_collection.h"

namespace slab_hunter {
namespace {

// V8's API gives one full collection only to --expose-gc programs (its gc() extension; the API
// call behind it checks the flag). The extension can also be asked for by name when a context is
// made: a private context of ours gets gc(), and the program's own contexts, its globals and
// V8's flags stay as they were. (LowMemoryNotification would do up to seven collections and
// shrink the heap.) gc() is an API function: calling it runs no JS, so it works in interrupts.
v8::Global<v8::Function>* gc_function = nullptr;

}  // namespace

void PrepareFullCollection(v8::Isolate* isolate) {
  if (gc_function != nullptr) return;
  v8::HandleScope scope(isolate);
  const char* extensions[] = {"v8/gc"};
  v8::ExtensionConfiguration configuration(1, extensions);
  const v8::Local<v8::Context> context = v8::Context::New(isolate, &configuration);
  if (context.IsEmpty()) return;
  v8::Local<v8::Value> function;
  if (!context->Global()
           ->Get(context, v8::String::NewFromUtf8Literal(isolate, "gc"))
           .ToLocal(&function) ||
      !function->IsFunction()) {
    return;
  }
  gc_function = new v8::Global<v8::Function>(isolate, function.As<v8::Function>());
}

void CollectAllGarbageOnce(v8::Isolate* isolate) {
  if (gc_function == nullptr) {
    // Not prepared, or V8 was built without the extension: the next best, several collections.
    isolate->LowMemoryNotification();
    return;
  }
  v8::HandleScope scope(isolate);
  const v8::Local<v8::Function> function = gc_function->Get(isolate);
  const v8::Local<v8::Context> context = function->GetCreationContextChecked();
  v8::Context::Scope context_scope(context);
  // gc() with no argument: one synchronous full collection; it cannot throw.
  (void)function->Call(context, v8::Undefined(isolate), 0, nullptr);
}

}  // namespace slab_hunter
