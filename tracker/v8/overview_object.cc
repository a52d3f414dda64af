#include "tracker/v8/overview_object.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "tracker/core/fix_hint.h"
#include "tracker/core/report_text.h"
#include "tracker/v8/session.h"
#include "tracker/v8/v8_values.h"

namespace slab_hunter {
namespace {

// The API's text folds Node's own module constants as the flags' reports do.
TextOptions TextOptionsOfFlags() {
  TextOptions options;
  options.show_internals = Session::settings().show_internals;
  return options;
}

using v8::Context;
using v8::Local;
using v8::MaybeLocal;
using v8::Object;
using v8::Value;

// A JS array of `make(item)` for each item; empty as soon as one is.
template <typename Item, typename Make>
MaybeLocal<v8::Array> ArrayOf(Local<Context> context, const std::vector<Item>& items,
                              Make make) {
  std::vector<Local<Value>> elements;
  elements.reserve(items.size());
  for (const Item& item : items) {
    Local<Object> element;
    if (!make(item).ToLocal(&element)) return {};
    elements.push_back(element);
  }
  return NewArray(context->GetIsolate(), elements);
}

MaybeLocal<Object> RetainerObject(Local<Context> context, const Retainer& retainer,
                                  const FrameTable& frames, const StackTree& stacks) {
  return ObjectBuilder(context)
      .SetString("location", FormatStack(frames, stacks, retainer.stack))
      .SetNumber("amount", static_cast<double>(retainer.amount))
      .SetNumber("bytes", retainer.bytes)
      .Build();
}

MaybeLocal<Object> HeapViewObject(Local<Context> context, const HeapView& view) {
  return ObjectBuilder(context)
      .SetString("type", view.type)
      .SetString("retainerPath", view.retainer_path)
      .Build();
}

// The timeline's fields, as the JSON report has them: peakBytes and peakAtMs (null without a
// timeline), growth: { verdict, bytesPerMinute }.
void AddHistory(Local<Context> context, const LeakEntry& leak, ObjectBuilder& entry) {
  v8::Isolate* isolate = context->GetIsolate();
  if (leak.peak) {
    entry.SetNumber("peakBytes", leak.peak->bytes).SetNumber("peakAtMs", leak.peak->at_ms);
  } else {
    entry.Set("peakBytes", v8::Null(isolate)).Set("peakAtMs", v8::Null(isolate));
  }
  ObjectBuilder growth(context);
  growth.SetString("verdict", GrowthVerdictName(leak.growth.verdict));
  if (leak.growth.bytes_per_minute) {
    growth.SetNumber("bytesPerMinute", *leak.growth.bytes_per_minute);
  } else {
    growth.Set("bytesPerMinute", v8::Null(isolate));
  }
  entry.Set("growth", growth.Build());
}

// { <field>: [low, high], ... }: the 95% intervals of the estimated `fields`.
MaybeLocal<Object> IntervalsObject(Local<Context> context, absl::Span<const SeedField> fields) {
  v8::Isolate* isolate = context->GetIsolate();
  ObjectBuilder intervals(context);
  for (const SeedField& field : fields) {
    std::vector<Local<Value>> bounds = {v8::Number::New(isolate, field.estimate->Low()),
                                        v8::Number::New(isolate, field.estimate->High())};
    intervals.Set(field.name, Local<Value>(NewArray(isolate, bounds)));
  }
  return intervals.Build();
}

// One entry of either kind: location and amount, the seed's size fields, then what both kinds
// add (retainers, unreferenced bytes, hint; the heap's views after a heap check). The arrays
// come first, so that nothing more is made once a value has failed.
MaybeLocal<Object> EntryObject(Local<Context> context, const LeakEntry& leak,
                               absl::Span<const SeedField> seed_fields, const FrameTable& frames,
                               const StackTree& stacks, bool sampled) {
  Local<v8::Array> retainers;
  if (!ArrayOf(context, leak.retainers, [&](const Retainer& retainer) {
         return RetainerObject(context, retainer, frames, stacks);
       }).ToLocal(&retainers)) {
    return {};
  }
  Local<v8::Array> heap_views;
  if (leak.heap_views && !ArrayOf(context, *leak.heap_views, [&](const HeapView& view) {
                            return HeapViewObject(context, view);
                          }).ToLocal(&heap_views)) {
    return {};
  }
  ObjectBuilder entry(context);
  entry.SetString("location", FormatStack(frames, stacks, leak.stack))
      .SetNumber("amount", static_cast<double>(leak.amount));
  for (const SeedField& field : seed_fields) entry.SetNumber(field.name, field.value);
  entry.Set("retainers", retainers).SetNumber("unreferencedBytes", leak.unreferenced_bytes);
  if (leak.hint == FixHint::kNone) {
    entry.Set("hint", v8::Null(context->GetIsolate()));
  } else {
    entry.SetString("hint", FixHintName(leak.hint));
  }
  if (leak.heap_views) entry.Set("heapViews", heap_views);
  AddHistory(context, leak, entry);
  if (sampled) {
    std::vector<SeedField> estimated = {{"amount", 0, &leak.amount_estimate}};
    estimated.insert(estimated.end(), seed_fields.begin(), seed_fields.end());
    estimated.push_back({"unreferencedBytes", 0, &leak.unreferenced_estimate});
    entry.Set("interval95", IntervalsObject(context, estimated));
  }
  return entry.Build();
}

template <typename Leak>
MaybeLocal<v8::Array> Entries(Local<Context> context, const std::vector<Leak>& leaks,
                              const FrameTable& frames, const StackTree& stacks, bool sampled) {
  return ArrayOf(context, leaks, [&](const Leak& leak) {
    return EntryObject(context, leak, leak.SeedFields(), frames, stacks, sampled);
  });
}

}  // namespace

MaybeLocal<Object> AnalysisObject(Local<Context> context, const LeakOverview& overview,
                                  const FrameTable& frames, const StackTree& stacks,
                                  const ReportSettings* report) {
  Local<v8::Array> big;
  Local<v8::Array> slab;
  if (!Entries(context, overview.big_buffer_leaks, frames, stacks, overview.sampled)
           .ToLocal(&big) ||
      !Entries(context, overview.slab_leaks, frames, stacks, overview.sampled).ToLocal(&slab)) {
    return {};
  }
  ObjectBuilder result(context);
  result.Set("bigBufferLeaks", big)
      .Set("slabLeaks", slab)
      .SetNumber("totalBigBufferLeaks", overview.total_big_buffer_leaks)
      .SetNumber("totalSlabLeaks", overview.total_slab_leaks)
      .SetNumber("totalUnreferencedBytes", overview.total_unreferenced_bytes)
      .SetString("text", FormatOverview(overview, frames, stacks, TextOptionsOfFlags()));
  if (overview.sampled) {
    result.SetNumber("sampleIntervalBytes", Session::settings().sample_interval)
        .SetString("sampleSeed", absl::StrCat(ProcessSampleSeed(Session::settings())))
        .Set("interval95",
             IntervalsObject(context,
                             {{"totalBigBufferLeaks", 0, &overview.total_big_buffer_estimate},
                              {"totalSlabLeaks", 0, &overview.total_slab_estimate},
                              {"totalUnreferencedBytes", 0,
                               &overview.total_unreferenced_estimate}}));
  }
  if (report != nullptr) {
    result.SetString("json", FormatJson(overview, frames, stacks, *report))
        .SetBoolean("overBudget", CheckBudgets(overview, report->budgets).exceeded());
  }
  return result.Build();
}

}  // namespace slab_hunter
