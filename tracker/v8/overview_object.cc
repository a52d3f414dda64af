#include "tracker/v8/overview_object.h"

#include <string>

#include "tracker/core/fix_hint.h"
#include "tracker/v8/v8_values.h"

namespace slab_hunter {
namespace {

using v8::Context;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::Value;

Local<Number> Num(Isolate* isolate, double value) { return Number::New(isolate, value); }

Local<v8::Array> Retainers(Local<Context> context, const std::vector<Retainer>& retainers,
                           const FrameTable& frames, const StackTree& stacks) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::Array> array = v8::Array::New(isolate, static_cast<int>(retainers.size()));
  for (uint32_t i = 0; i < retainers.size(); ++i) {
    Local<Object> retainer = Object::New(isolate);
    Set(context, retainer, "location",
        Str(isolate, FormatStack(frames, stacks, retainers[i].stack)));
    Set(context, retainer, "amount", Num(isolate, static_cast<double>(retainers[i].amount)));
    Set(context, retainer, "bytes", Num(isolate, retainers[i].bytes));
    array->Set(context, i, retainer).Check();
  }
  return array;
}

Local<v8::Array> HeapViews(Local<Context> context, const std::vector<HeapView>& views) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::Array> array = v8::Array::New(isolate, static_cast<int>(views.size()));
  for (uint32_t i = 0; i < views.size(); ++i) {
    Local<Object> view = Object::New(isolate);
    Set(context, view, "type", Str(isolate, views[i].type));
    Set(context, view, "retainerPath", Str(isolate, views[i].retainer_path));
    array->Set(context, i, view).Check();
  }
  return array;
}

// One entry of either kind: location and amount, the seed's size fields, then what both kinds
// add (retainers, unreferenced bytes, hint; the heap's views after a heap check).
Local<Object> EntryObject(Local<Context> context, const LeakEntry& leak,
                          absl::Span<const SeedField> seed_fields, const FrameTable& frames,
                          const StackTree& stacks) {
  Isolate* isolate = context->GetIsolate();
  Local<Object> entry = Object::New(isolate);
  Set(context, entry, "location", Str(isolate, FormatStack(frames, stacks, leak.stack)));
  Set(context, entry, "amount", Num(isolate, static_cast<double>(leak.amount)));
  for (const SeedField& field : seed_fields) {
    Set(context, entry, field.name, Num(isolate, field.value));
  }
  Set(context, entry, "retainers", Retainers(context, leak.retainers, frames, stacks));
  Set(context, entry, "unreferencedBytes", Num(isolate, leak.unreferenced_bytes));
  const std::string_view hint = FixHintName(leak.hint);
  Local<Value> hint_value = v8::Null(isolate);
  if (!hint.empty()) hint_value = Str(isolate, std::string(hint));
  Set(context, entry, "hint", hint_value);
  if (leak.heap_views) Set(context, entry, "heapViews", HeapViews(context, *leak.heap_views));
  return entry;
}

template <typename Leak>
Local<v8::Array> Entries(Local<Context> context, const std::vector<Leak>& leaks,
                         const FrameTable& frames, const StackTree& stacks) {
  Local<v8::Array> array = v8::Array::New(context->GetIsolate(), static_cast<int>(leaks.size()));
  for (uint32_t i = 0; i < leaks.size(); ++i) {
    array->Set(context, i, EntryObject(context, leaks[i], leaks[i].SeedFields(), frames, stacks))
        .Check();
  }
  return array;
}

}  // namespace

Local<v8::String> Str(Isolate* isolate, const std::string& text) {
  return NewString(isolate, text).ToLocalChecked();
}

void Set(Local<Context> context, Local<Object> target, const char* key, Local<Value> value) {
  target->Set(context, Str(context->GetIsolate(), key), value).Check();
}

Local<Object> OverviewObject(Local<Context> context, const LeakOverview& overview,
                             const FrameTable& frames, const StackTree& stacks) {
  Isolate* isolate = context->GetIsolate();
  Local<Object> result = Object::New(isolate);
  Set(context, result, "bigBufferLeaks",
      Entries(context, overview.big_buffer_leaks, frames, stacks));
  Set(context, result, "slabLeaks", Entries(context, overview.slab_leaks, frames, stacks));
  Set(context, result, "totalBigBufferLeaks", Num(isolate, overview.total_big_buffer_leaks));
  Set(context, result, "totalSlabLeaks", Num(isolate, overview.total_slab_leaks));
  Set(context, result, "totalUnreferencedBytes", Num(isolate, overview.total_unreferenced_bytes));
  return result;
}

}  // namespace slab_hunter
