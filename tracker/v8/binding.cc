#include "tracker/v8/binding.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "tracker/core/analysis.h"
#include "tracker/core/site_history.h"
#include "tracker/v8/end_of_run.h"
#include "tracker/v8/full_collection.h"
#include "tracker/v8/heap_check.h"
#include "tracker/v8/overview_object.h"
#include "tracker/v8/serialized_errors.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "tracker/v8/v8_values.h"
#include "tracker/v8/view_registry.h"
#include "tracker/v8/wrappers.h"

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

// The session of the isolate calling: the main one's, or a Worker's (worker_sessions.h).
Session& ThisThread() {
  Session* session = Session::Current();
  return session != nullptr ? *session : Session::Main();
}

void ThrowTypeError(Isolate* isolate, std::string_view message) {
  Local<v8::String> text;
  if (NewString(isolate, message).ToLocal(&text)) {
    isolate->ThrowException(v8::Exception::TypeError(text));
  }
}

// makeWrappers(originals, names, trackedReceivers, ReflectConstruct): the stand-ins for the
// functions `originals` (see BufferApiWrappers::Make), as an array; names[i] is a Buffer API's
// name or 'toString'; trackedReceivers[i] an object or undefined.
void MakeWrappers(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Local<Context> context = isolate->GetCurrentContext();
  if (!args[0]->IsArray() || !args[1]->IsArray() || !args[2]->IsArray() ||
      !args[3]->IsFunction()) {
    ThrowTypeError(isolate, "makeWrappers: bad arguments");
    return;
  }
  Local<v8::Array> originals = args[0].As<v8::Array>();
  Local<v8::Array> names = args[1].As<v8::Array>();
  Local<v8::Array> receivers = args[2].As<v8::Array>();
  std::vector<WrapperSpec> specs(originals->Length());
  for (uint32_t i = 0; i < specs.size(); ++i) {
    Local<Value> original, name, receiver;
    if (!originals->Get(context, i).ToLocal(&original) || !names->Get(context, i).ToLocal(&name) ||
        !receivers->Get(context, i).ToLocal(&receiver)) {
      return;
    }
    if (!original->IsFunction() || !name->IsString()) {
      ThrowTypeError(isolate, "makeWrappers: bad function or name");
      return;
    }
    specs[i].original = original.As<v8::Function>();
    specs[i].name = *v8::String::Utf8Value(isolate, name);
    if (receiver->IsObject()) specs[i].tracked_receivers = receiver.As<Object>();
  }
  Local<v8::Array> stand_ins;
  if (ThisThread().wrappers().Make(context, specs, args[3].As<v8::Function>()).ToLocal(&stand_ins)) {
    args.GetReturnValue().Set(stand_ins);
  }
}

// start(): turns tracking on (idempotent); returns the current time in nanoseconds.
void Start(const FunctionCallbackInfo<Value>& args) {
  Session& session = ThisThread();
  session.views();  // before the first store is recorded: it sets how V8 sweeps ArrayBuffers
  PrepareFullCollection(args.GetIsolate(), session);
  session.Start();
  args.GetReturnValue().Set(static_cast<double>(session.clock().NowNanos()));
}

double NumberArg(const FunctionCallbackInfo<Value>& args, int index) {
  return args[index]->IsNumber() ? args[index].As<Number>()->Value() : 0;
}

// analyze(leakCutoffMs, bigBufferCutoff, sinceNanos, verify, collected): the overview's fields,
// totals and text from one analysis; with verify, each entry's views as a heap snapshot finds
// them; `collected`: a full collection ran just before (the timeline's point is then exact).
void Analyze(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  Session& session = ThisThread();
  session.views().ForgetDetachedViews(isolate);
  ReclaimUnusedStacks(session);
  const Snapshot snapshot = session.tracker().TakeSnapshot();
  AnalysisOptions options = AnalysisOptionsOf(NumberArg(args, 0), NumberArg(args, 1),
                                              static_cast<int64_t>(NumberArg(args, 2)));
  FillNodesOwn(isolate->GetCurrentContext(), session, &options);
  LeakOverview overview = Analyze(snapshot, options);
  // An ending signal meanwhile is the watcher's: its deadline ends the program if need be.
  if (args[3]->IsTrue()) CheckHeap(isolate, session.views(), snapshot, overview, [] { return false; });
  if (Timeline* timeline = session.timeline()) {
    // A point of the moment the report counts, when a full collection came just before it.
    if (args[4]->IsTrue()) session.TickTimeline(options, /*after_full_collection=*/true);
    AddSiteHistory(*timeline, snapshot.taken_nanos, overview);
  }
  Local<Object> result;
  if (AnalysisObject(isolate->GetCurrentContext(), overview, session.frames(), session.stacks(),
                     nullptr)
          .ToLocal(&result)) {
    args.GetReturnValue().Set(result);
  }
}

// startTimeline(leakCutoffMs, bigBufferCutoff, sinceNanos): starts the timeline, counting with
// these cut-offs; false when it was started before (by the flags or an earlier setup).
void StartTimeline(const FunctionCallbackInfo<Value>& args) {
  const bool started = ThisThread().StartTimeline(AnalysisOptionsOf(
      NumberArg(args, 0), NumberArg(args, 1), static_cast<int64_t>(NumberArg(args, 2))));
  args.GetReturnValue().Set(started);
}

// timelineTick(): one point of the timeline (Session::TickTimeline). The tick makes a full
// collection itself, so that its point is exact, when V8's latest full collection took at most
// 5% of the time since the last point in the isolate thread's CPU time: on small heaps every
// tick, on large ones every few ticks (V8's own full collections also give points), never more
// than 5% of the run's time in collections' work.
void TimelineTick(const FunctionCallbackInfo<Value>& args) {
  Session& session = ThisThread();
  if (session.timeline() == nullptr) return;
  const int64_t since_last_point = session.clock().NowNanos() - session.last_point_nanos();
  const bool collect = session.full_collections().last_pause_cpu_nanos * 20 <= since_last_point;
  if (collect) {
    CollectAllGarbageOnce(args.GetIsolate(), session);
  } else if (!session.FullCollectionSinceLastPoint()) {
    return;  // no point to add: spare borrowing Node's read buffer
  }
  AnalysisOptions nodes_own;
  FillNodesOwn(args.GetIsolate()->GetCurrentContext(), session, &nodes_own);
  session.TickTimeline(nodes_own, /*after_full_collection=*/collect);
}

// watchEnding(sinceNanos): the flags' end of run; from now on SIGINT and SIGTERM end the
// program with the report even in a synchronous loop. Returns the Int32Array in which the JS
// keeps how many listeners the program has for each (a signal it listens for is its own).
void WatchEnding(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (!ThisThread().is_main()) {
    ThrowTypeError(isolate, "watchEnding: the main thread's only");
    return;
  }
  EndOfRun& end = EndOfRun::Start(isolate->GetCurrentContext(),
                                  static_cast<int64_t>(NumberArg(args, 0)),
                                  Session::Main().views());
  std::unique_ptr<v8::BackingStore> store = ArrayBuffer::NewBackingStore(
      end.signal_listener_counts(), sizeof(int32_t) * SignalWatcher::kEndingSignalCount,
      [](void*, size_t, void*) {}, nullptr);
  args.GetReturnValue().Set(Int32Array::New(ArrayBuffer::New(isolate, std::move(store)), 0,
                                            SignalWatcher::kEndingSignalCount));
}

// printOverview(): the text overview on stderr, made after one full collection; nothing before
// watchEnding().
void PrintOverview(const FunctionCallbackInfo<Value>&) {
  if (!ThisThread().is_main()) return;
  if (EndOfRun* end = EndOfRun::Get()) end->PrintOverview();
}

// collectGarbage(): one full collection, so that the report made next counts only what is
// reachable.
void CollectGarbage(const FunctionCallbackInfo<Value>& args) {
  CollectAllGarbageOnce(args.GetIsolate(), ThisThread());
}

MaybeLocal<Object> SettingsObject(Local<Context> context, const Session& session) {
  const HuntSettings& hunt = Session::settings();
  return ObjectBuilder(context)
      .SetBoolean("trackFromStart", hunt.track_from_start)
      .SetBoolean("mainThread", session.is_main())
      .SetNumber("intervalMs", hunt.interval_ms)
      .SetNumber("timelineMs", hunt.timeline_ms)
      .SetNumber("leakCutoffMs", hunt.leak_cutoff_ms)
      .SetNumber("bigBufferCutoff", hunt.big_buffer_cutoff)
      .SetNumber("invalidArgumentExitCode", kInvalidArgumentExitCode)
      .Build();
}

// noteSerializedError(serialized): `serialized` (a Uint8Array) holds another thread's error as
// Node hands it to this one; Node's code reads it (serialized_errors.h).
void NoteSerializedError(const FunctionCallbackInfo<Value>& args) {
  if (!args[0]->IsArrayBufferView()) return;
  ThisThread().serialized_errors().Note(args.GetIsolate(), args[0].As<v8::ArrayBufferView>());
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
  Session& session = ThisThread();
  session.AttachIsolate(isolate);
  InstallStackCacheFlush(isolate, session);
  return ObjectBuilder(context)
      .Set("makeWrappers", Method(context, "makeWrappers", MakeWrappers))
      .Set("start", Method(context, "start", Start))
      .Set("analyze", Method(context, "analyze", Analyze))
      .Set("collectGarbage", Method(context, "collectGarbage", CollectGarbage))
      .Set("startTimeline", Method(context, "startTimeline", StartTimeline))
      .Set("timelineTick", Method(context, "timelineTick", TimelineTick))
      .Set("watchEnding", Method(context, "watchEnding", WatchEnding))
      .Set("printOverview", Method(context, "printOverview", PrintOverview))
      .Set("noteSerializedError", Method(context, "noteSerializedError", NoteSerializedError))
      .Set("settings", SettingsObject(context, session))
      .Build();
}

}  // namespace slab_hunter
