#include "tracker/v8/overview_object.h"

#include <string>

#include "tracker/core/fix_hint.h"

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

// What both kinds of entry carry beyond the seed's fields.
template <typename Leak>
void SetRetention(Local<Context> context, Local<Object> entry, const Leak& leak,
                  const FrameTable& frames, const StackTree& stacks,
                  const std::vector<HeapView>* heap_views) {
  Isolate* isolate = context->GetIsolate();
  Set(context, entry, "retainers", Retainers(context, leak.retainers, frames, stacks));
  Set(context, entry, "unreferencedBytes", Num(isolate, leak.unreferenced_bytes));
  const std::string_view hint = FixHintName(leak.hint);
  Local<Value> hint_value = v8::Null(isolate);
  if (!hint.empty()) hint_value = Str(isolate, std::string(hint));
  Set(context, entry, "hint", hint_value);
  if (heap_views != nullptr) Set(context, entry, "heapViews", HeapViews(context, *heap_views));
}

}  // namespace

Local<v8::String> Str(Isolate* isolate, const std::string& text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
      .ToLocalChecked();
}

void Set(Local<Context> context, Local<Object> target, const char* key, Local<Value> value) {
  target->Set(context, Str(context->GetIsolate(), key), value).Check();
}

Local<Object> OverviewObject(Local<Context> context, const LeakOverview& overview,
                             const FrameTable& frames, const StackTree& stacks,
                             const HeapCheck* heap_check) {
  Isolate* isolate = context->GetIsolate();
  Local<v8::Array> big =
      v8::Array::New(isolate, static_cast<int>(overview.big_buffer_leaks.size()));
  for (uint32_t i = 0; i < overview.big_buffer_leaks.size(); ++i) {
    const BigBufferLeak& leak = overview.big_buffer_leaks[i];
    Local<Object> entry = Object::New(isolate);
    Set(context, entry, "location", Str(isolate, FormatStack(frames, stacks, leak.stack)));
    Set(context, entry, "amount", Num(isolate, static_cast<double>(leak.amount)));
    Set(context, entry, "totalSize", Num(isolate, leak.total_size));
    SetRetention(context, entry, leak, frames, stacks,
                 heap_check ? &heap_check->big_buffer_leaks[i] : nullptr);
    big->Set(context, i, entry).Check();
  }
  Local<v8::Array> slab = v8::Array::New(isolate, static_cast<int>(overview.slab_leaks.size()));
  for (uint32_t i = 0; i < overview.slab_leaks.size(); ++i) {
    const SlabLeak& leak = overview.slab_leaks[i];
    Local<Object> entry = Object::New(isolate);
    Set(context, entry, "location", Str(isolate, FormatStack(frames, stacks, leak.stack)));
    Set(context, entry, "amount", Num(isolate, static_cast<double>(leak.amount)));
    Set(context, entry, "totalLeakedBytes", Num(isolate, leak.total_leaked_bytes));
    Set(context, entry, "normalisedTotalLeakedBytes",
        Num(isolate, leak.normalised_total_leaked_bytes));
    SetRetention(context, entry, leak, frames, stacks,
                 heap_check ? &heap_check->slab_leaks[i] : nullptr);
    slab->Set(context, i, entry).Check();
  }
  Local<Object> result = Object::New(isolate);
  Set(context, result, "bigBufferLeaks", big);
  Set(context, result, "slabLeaks", slab);
  Set(context, result, "totalBigBufferLeaks", Num(isolate, overview.total_big_buffer_leaks));
  Set(context, result, "totalSlabLeaks", Num(isolate, overview.total_slab_leaks));
  Set(context, result, "totalUnreferencedBytes", Num(isolate, overview.total_unreferenced_bytes));
  return result;
}

}  // namespace slab_hunter
