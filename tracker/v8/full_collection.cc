#include "tracker/v8/full_collection.h"

#include "tracker/v8/session.h"

namespace slab_hunter {
namespace {

// V8's API gives one full collection only to --expose-gc programs (its gc() extension; the API
// call behind it checks the flag). The extension can also be asked for by name when a context is
// made: a private context of ours gets gc(), and the program's own contexts, its globals and
// V8's flags stay as they were. (LowMemoryNotification would do up to seven collections and
// shrink the heap.) gc() is an API function: calling it runs no JS, so it works in interrupts.
// Each isolate's session keeps its own.

// Calls the gc extension's gc(argument); false where no function may be called.
bool CallGc(v8::Isolate* isolate, Session& session, v8::Local<v8::Value> argument) {
  if (session.gc_function().IsEmpty()) return false;
  const v8::Local<v8::Function> function = session.gc_function().Get(isolate);
  const v8::Local<v8::Context> context = function->GetCreationContextChecked();
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(isolate);
  const int argc = argument.IsEmpty() ? 0 : 1;
  return !function->Call(context, v8::Undefined(isolate), argc, &argument).IsEmpty();
}

}  // namespace

void PrepareFullCollection(v8::Isolate* isolate, Session& session) {
  if (!session.gc_function().IsEmpty()) return;
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
  session.gc_function().Reset(isolate, function.As<v8::Function>());
}

void CollectAllGarbageOnce(v8::Isolate* isolate, Session& session) {
  v8::HandleScope scope(isolate);
  // gc() with no argument: one synchronous full collection. It fails only where no function
  // may be called at all (a Worker's environment being freed); then, or when not prepared, the
  // next best: several collections.
  if (!CallGc(isolate, session, v8::Local<v8::Value>())) isolate->LowMemoryNotification();
}

}  // namespace slab_hunter
