#include "tracker/v8/binding.h"

#include <cmath>
#include <optional>
#include <cstdint>
#include <string>

#include "tracker/core/analysis.h"
#include "tracker/core/report_json.h"
#include "tracker/core/report_text.h"
#include "tracker/v8/full_collection.h"
#include "tracker/v8/heap_check.h"
#include "tracker/v8/overview_object.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "tracker/v8/view_registry.h"

namespace slab_hunter {
namespace {

using v8::ArrayBuffer;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Int32Array;
using v8::Isolate;
using v8::Local;
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
  Local<Context> context = isolate->GetCurrentContext();
  Session& session = Session::Get();

  AnalysisOptions options;
  options.leak_cutoff_nanos = ToNanos(NumberArg(args, 0));
  const double big_cutoff = NumberArg(args, 1);
  options.big_buffer_cutoff =
      big_cutoff >= 1.8e19 ? SIZE_MAX : static_cast<size_t>(std::ceil(big_cutoff));
  options.created_since_nanos = static_cast<int64_t>(NumberArg(args, 2));
  Views().ForgetDetachedViews(isolate);
  const Snapshot snapshot = session.tracker().TakeSnapshot();
  LeakOverview overview = Analyze(snapshot, options);
  if (args[4]->IsTrue()) CheckHeap(isolate, Views(), snapshot, overview);

  const FrameTable& frames = session.frames();
  const StackTree& stacks = session.stacks();
  Local<Object> result = OverviewObject(context, overview, frames, stacks);
  Set(context, result, "text", Str(isolate, FormatOverview(overview, frames, stacks)));
  if (args[3]->IsTrue()) {
    const HuntSettings& hunt = session.settings();
    ReportSettings report;
    report.leak_cutoff_ms = NumberArg(args, 0);
    report.big_buffer_cutoff = big_cutoff;
    report.stack_depth = hunt.stack_depth;
    report.budgets.big_buffer_leaks = Budget(hunt.fail_on_big);
    report.budgets.slab_leaks = Budget(hunt.fail_on_slab);
    Set(context, result, "json",
        Str(isolate, FormatJson(overview, frames, stacks, report)));
    Set(context, result, "overBudget",
        v8::Boolean::New(isolate, CheckBudgets(overview, report.budgets).exceeded()));
  }
  args.GetReturnValue().Set(result);
}

// captureStats(): how stacks were captured: {sampledHits, fullCaptures, verified, mismatches}.
void CaptureStats(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  const Session::CaptureStats& stats = Session::Get().capture_stats();
  Local<Object> result = Object::New(isolate);
  Set(context, result, "sampledHits", Number::New(isolate, static_cast<double>(stats.sampled_hits)));
  Set(context, result, "fullCaptures",
      Number::New(isolate, static_cast<double>(stats.full_captures)));
  Set(context, result, "verified", Number::New(isolate, static_cast<double>(stats.verified)));
  Set(context, result, "mismatches", Number::New(isolate, static_cast<double>(stats.mismatches)));
  args.GetReturnValue().Set(result);
}

// collectGarbage(): one full collection, so that the report made next counts only what is
// reachable.
void CollectGarbage(const FunctionCallbackInfo<Value>& args) {
  CollectAllGarbageOnce(args.GetIsolate());
}

Local<Object> SettingsObject(Local<Context> context, const HuntSettings& hunt) {
  Isolate* isolate = context->GetIsolate();
  Local<Object> settings = Object::New(isolate);
  Set(context, settings, "trackFromStart", v8::Boolean::New(isolate, hunt.track_from_start));
  Set(context, settings, "leakCutoffMs", Number::New(isolate, hunt.leak_cutoff_ms));
  Set(context, settings, "bigBufferCutoff", Number::New(isolate, hunt.big_buffer_cutoff));
  Set(context, settings, "stackDepth", Number::New(isolate, hunt.stack_depth));
  Set(context, settings, "intervalMs", Number::New(isolate, hunt.interval_ms));
  Set(context, settings, "reportPath", Str(isolate, hunt.report_path));
  Set(context, settings, "failOnBig", Number::New(isolate, hunt.fail_on_big));
  Set(context, settings, "failOnSlab", Number::New(isolate, hunt.fail_on_slab));
  Set(context, settings, "budgetExceededExitCode", Number::New(isolate, kBudgetExceededExitCode));
  Set(context, settings, "verifyStackCache", v8::Boolean::New(isolate, hunt.verify_stack_cache));
  Set(context, settings, "sampleRate", Number::New(isolate, hunt.sample_rate));
  Set(context, settings, "verifyHeap", v8::Boolean::New(isolate, hunt.verify_heap));
  return settings;
}

void SetMethod(Local<Context> context, Local<Object> target, const char* name,
               v8::FunctionCallback callback) {
  Local<v8::Function> function = v8::Function::New(context, callback).ToLocalChecked();
  function->SetName(Str(context->GetIsolate(), name));
  Set(context, target, name, function);
}

}  // namespace

Local<Object> CreateBinding(Local<Context> context) {
  Isolate* isolate = context->GetIsolate();
  Session& session = Session::Get();
  session.AttachIsolate(isolate);
  InstallStackCacheFlush(isolate, session);
  Local<Object> binding = Object::New(isolate);
  SetMethod(context, binding, "trackView", TrackView);
  SetMethod(context, binding, "trackedCallFailed", TrackedCallFailed);
  SetMethod(context, binding, "start", Start);
  SetMethod(context, binding, "analyze", Analyze);
  SetMethod(context, binding, "collectGarbage", CollectGarbage);
  SetMethod(context, binding, "captureStats", CaptureStats);
  Set(context, binding, "settings", SettingsObject(context, session.settings()));
  // The counter lives in the Session; the JS wrappers write it without calling into C++.
  std::unique_ptr<v8::BackingStore> store = ArrayBuffer::NewBackingStore(
      session.call_depth(), sizeof(int32_t), [](void*, size_t, void*) {}, nullptr);
  Local<ArrayBuffer> buffer = ArrayBuffer::New(isolate, std::move(store));
  Set(context, binding, "callDepth", Int32Array::New(buffer, 0, 1));
  return binding;
}

}  // namespace slab_hunter
