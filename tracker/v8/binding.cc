#include "tracker/v8/binding.h"

#include <cmath>
#include <optional>
#include <cstdint>
#include <string>

#include "tracker/core/analysis.h"
#include "tracker/core/report_json.h"
#include "tracker/v8/full_collection.h"
#include "tracker/v8/heap_check.h"
#include "tracker/v8/overview_object.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "tracker/v8/v8_values.h"
#include "tracker/v8/view_registry.h"

namespace slab_hunter {
namespace {

using v8::ArrayBuffer;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Int32Array;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::Number;
using v8::Object;
using v8::Value;

ViewRegistry& Views() {
  static ViewRegistry* views = new ViewRegistry(Session::Get());
  return *views;
}

// trackView(view, api): records a Buffer a tracked call returned. Anything else is ignored, so
// a wrapper never changes what a call returns or throws.
void TrackView(const FunctionCallbackInfo<Value>& args) {
  Session& session = Session::Get();
  if (!session.tracking() || !args[0]->IsUint8Array() || !args[1]->IsInt32()) return;
  const int32_t api = args[1].As<v8::Int32>()->Value();
  if (api < 0 || api >= kViewApiCount) return;
  Views().Track(args.GetIsolate(), args[0].As<v8::Uint8Array>(), static_cast<ViewApi>(api));
}

// trackedCallFailed(): the tracked call threw; stores it made have no view to take a location.
void TrackedCallFailed(const FunctionCallbackInfo<Value>&) {
  Session::Get().tracker().OnTrackedCallFailed();
}

// start(): turns tracking on (idempotent); returns the current time in nanoseconds.
void Start(const FunctionCallbackInfo<Value>& args) {
  Session& session = Session::Get();
  Views();  // before the first store is recorded: it sets how V8 sweeps ArrayBuffers
  PrepareFullCollection(args.GetIsolate());
  session.Start();
  args.GetReturnValue().Set(static_cast<double>(session.clock().NowNanos()));
}

double NumberArg(const FunctionCallbackInfo<Value>& args, int index) {
  return args[index]->IsNumber() ? args[index].As<Number>()->Value() : 0;
}

int64_t ToNanos(double millis) {
  if (!(millis < 9.2e12)) return INT64_MAX;  // Infinity and huge cut-offs never expire.
  return static_cast<int64_t>(millis * 1e6);
}

std::optional<double> Budget(double bytes) {
  return bytes < 0 ? std::nullopt : std::optional<double>(bytes);
}

// analyze(leakCutoffMs, bigBufferCutoff, sinceNanos[, forReport[, verify]]): the overview's
// fields, totals and text from one analysis; with forReport, also the JSON report and whether
// the flags' budgets are exceeded; with verify, each entry's views as a heap snapshot finds
// them.
void Analyze(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Session& session = Session::Get();

  AnalysisOptions options;
  options.leak_cutoff_nanos = ToNanos(NumberArg(args, 0));
  const double big_cutoff = NumberArg(args, 1);
  // A NaN cut-off, like a huge one, makes no buffer big (the seed's `size >= NaN` is false).
  options.big_buffer_cutoff =
      !(big_cutoff < 1.8e19) ? SIZE_MAX : static_cast<size_t>(std::ceil(big_cutoff));
  options.created_since_nanos = static_cast<int64_t>(NumberArg(args, 2));
  Views().ForgetDetachedViews(isolate);
  const Snapshot snapshot = session.tracker().TakeSnapshot();
  LeakOverview overview = Analyze(snapshot, options);
  if (args[4]->IsTrue()) CheckHeap(isolate, Views(), snapshot, overview);

  std::optional<ReportSettings> report;
  if (args[3]->IsTrue()) {
    const HuntSettings& hunt = session.settings();
    report.emplace();
    report->leak_cutoff_ms = NumberArg(args, 0);
    report->big_buffer_cutoff = big_cutoff;
    report->stack_depth = hunt.stack_depth;
    report->budgets.big_buffer_leaks = Budget(hunt.fail_on_big);
    report->budgets.slab_leaks = Budget(hunt.fail_on_slab);
  }
  Local<Object> result;
  if (AnalysisObject(isolate->GetCurrentContext(), overview, session.frames(), session.stacks(),
                     report ? &*report : nullptr)
          .ToLocal(&result)) {
    args.GetReturnValue().Set(result);
  }
}

// captureStats(): how stacks were captured: {sampledHits, fullCaptures, verified, mismatches}.
void CaptureStats(const FunctionCallbackInfo<Value>& args) {
  const Session::CaptureStats& stats = Session::Get().capture_stats();
  Local<Object> result;
  if (ObjectBuilder(args.GetIsolate()->GetCurrentContext())
          .SetNumber("sampledHits", static_cast<double>(stats.sampled_hits))
          .SetNumber("fullCaptures", static_cast<double>(stats.full_captures))
          .SetNumber("verified", static_cast<double>(stats.verified))
          .SetNumber("mismatches", static_cast<double>(stats.mismatches))
          .Build()
          .ToLocal(&result)) {
    args.GetReturnValue().Set(result);
  }
}

// collectGarbage(): one full collection, so that the report made next counts only what is
// reachable.
void CollectGarbage(const FunctionCallbackInfo<Value>& args) {
  CollectAllGarbageOnce(args.GetIsolate());
}

MaybeLocal<Object> SettingsObject(Local<Context> context, const HuntSettings& hunt) {
  return ObjectBuilder(context)
      .SetBoolean("trackFromStart", hunt.track_from_start)
      .SetNumber("leakCutoffMs", hunt.leak_cutoff_ms)
      .SetNumber("bigBufferCutoff", hunt.big_buffer_cutoff)
      .SetNumber("stackDepth", hunt.stack_depth)
      .SetNumber("intervalMs", hunt.interval_ms)
      .SetString("reportPath", hunt.report_path)
      .SetNumber("failOnBig", hunt.fail_on_big)
      .SetNumber("failOnSlab", hunt.fail_on_slab)
      .SetNumber("budgetExceededExitCode", kBudgetExceededExitCode)
      .SetBoolean("verifyStackCache", hunt.verify_stack_cache)
      .SetNumber("sampleRate", hunt.sample_rate)
      .SetBoolean("verifyHeap", hunt.verify_heap)
      .Build();
}

// A binding function, named `name` as Node names its own.
MaybeLocal<v8::Function> Method(Local<Context> context, const char* name,
                                v8::FunctionCallback callback) {
  Local<v8::Function> function;
  Local<v8::String> function_name;
  if (!v8::Function::New(context, callback).ToLocal(&function) ||
      !NewString(context->GetIsolate(), name, v8::NewStringType::kInternalized)
           .ToLocal(&function_name)) {
    return {};
  }
  function->SetName(function_name);
  return function;
}

}  // namespace

MaybeLocal<Object> CreateBinding(Local<Context> context) {
  Isolate* isolate = context->GetIsolate();
  Session& session = Session::Get();
  session.AttachIsolate(isolate);
  InstallStackCacheFlush(isolate, session);
  // The counter lives in the Session; the JS wrappers write it without calling into C++.
  std::unique_ptr<v8::BackingStore> store = ArrayBuffer::NewBackingStore(
      session.call_depth(), sizeof(int32_t), [](void*, size_t, void*) {}, nullptr);
  Local<ArrayBuffer> buffer = ArrayBuffer::New(isolate, std::move(store));
  return ObjectBuilder(context)
      .Set("trackView", Method(context, "trackView", TrackView))
      .Set("trackedCallFailed", Method(context, "trackedCallFailed", TrackedCallFailed))
      .Set("start", Method(context, "start", Start))
      .Set("analyze", Method(context, "analyze", Analyze))
      .Set("collectGarbage", Method(context, "collectGarbage", CollectGarbage))
      .Set("captureStats", Method(context, "captureStats", CaptureStats))
      .Set("settings", SettingsObject(context, session.settings()))
      .Set("callDepth", Int32Array::New(buffer, 0, 1))
      .Build();
}

}  // namespace slab_hunter
