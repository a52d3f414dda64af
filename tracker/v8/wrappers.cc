#include "tracker/v8/wrappers.h"

#include <optional>

#include "absl/container/inlined_vector.h"
#include "tracker/core/tracker.h"
#include "tracker/v8/buffer_frames.h"
#include "tracker/v8/session.h"
#include "tracker/v8/view_registry.h"

namespace slab_hunter {

struct BufferApiWrappers::Wrapped {
  BufferApiWrappers* owner = nullptr;
  v8::Global<v8::Function> original;
  v8::Global<v8::Function> stand_in;
  std::optional<ViewApi> api;  // nullopt: Function.prototype.toString's stand-in
  v8::Global<v8::Object> tracked_receivers;
};

namespace {

constexpr char kToStringName[] = "toString";

// A Uint8Array with `prototype` on its chain. Reads no property (runs no user code): the
// instanceof a JS wrapper would use can be redirected by Symbol.hasInstance.
bool IsInstance(v8::Local<v8::Value> receiver, v8::Local<v8::Object> prototype) {
  if (!receiver->IsUint8Array()) return false;
  v8::Local<v8::Value> link = receiver.As<v8::Object>()->GetPrototype();
  while (link->IsObject()) {
    if (link == prototype) return true;
    link = link.As<v8::Object>()->GetPrototype();
  }
  return false;
}

// Node's Buffer code runs user code only through objects it is given: a method's receiver (a
// Buffer whose subarray a user may have replaced), an argument's getters, valueOf or
// Symbol.toPrimitive. With primitives only (Buffer.allocUnsafe(n), Buffer.from(string)), what
// the call allocates is its own without looking at the stack. (A getter a user defines on
// Buffer.poolSize itself is not looked for.)
bool MayRunUserCode(const v8::FunctionCallbackInfo<v8::Value>& info, ViewApi api) {
  if (api == ViewApi::kSubarray || api == ViewApi::kSlice) return true;
  for (int i = 0; i < info.Length(); ++i) {
    if (info[i]->IsObject()) return true;
  }
  return false;
}

// Whether the store of the Buffer a call of `api` returns can be one the call made: not when it
// is a view on memory the caller gave (see NewView::may_own_store).
bool MayOwnStore(const v8::FunctionCallbackInfo<v8::Value>& info, ViewApi api) {
  if (api == ViewApi::kSubarray || api == ViewApi::kSlice) return false;
  return !(api == ViewApi::kFrom && info.Length() > 0 &&
           (info[0]->IsArrayBuffer() || info[0]->IsSharedArrayBuffer()));
}

// Whether a Buffer API starting inside `enclosing` is called by Node's Buffer code (and so is
// part of it) rather than by user code the enclosing call runs.
bool IsPartOf(Session::BufferCall& enclosing, ViewApi api, v8::Isolate* isolate) {
  if (!enclosing.may_run_user_code) return true;
  // Node's buf.slice() is `return this.subarray(start, end)`: the first subarray call to start
  // is that one, as user code can run before it only in a getter for `subarray` itself (a
  // subarray call such a getter makes would be taken as the slice's own, its view untracked).
  // This spares the stack sample on every slice.
  if (enclosing.api == ViewApi::kSlice && api == ViewApi::kSubarray && !enclosing.delegated) {
    enclosing.delegated = true;
    return true;
  }
  return InBufferInternals(isolate);
}

// V8 calls API functions as sloppy-mode functions, which box a primitive receiver; Node's
// Buffer functions are strict and the builtins take it as it is (their errors print it: "receiver
// 5", not "[object Number]"). The original gets the primitive back. A receiver the caller boxed
// itself (`new Number(5)`) looks the same here and is unboxed too: the rarer case is the one
// that differs.
v8::Local<v8::Value> Unboxed(v8::Isolate* isolate, v8::Local<v8::Value> receiver) {
  if (receiver->IsNumberObject()) {
    return v8::Number::New(isolate, receiver.As<v8::NumberObject>()->ValueOf());
  }
  if (receiver->IsStringObject()) return receiver.As<v8::StringObject>()->ValueOf();
  if (receiver->IsBooleanObject()) {
    return v8::Boolean::New(isolate, receiver.As<v8::BooleanObject>()->ValueOf());
  }
  if (receiver->IsSymbolObject()) return receiver.As<v8::SymbolObject>()->ValueOf();
  if (receiver->IsBigIntObject()) return receiver.As<v8::BigIntObject>()->ValueOf();
  return receiver;
}

}  // namespace

BufferApiWrappers::BufferApiWrappers(Session& session, ViewRegistry& views)
    : session_(session), views_(views) {}

BufferApiWrappers::~BufferApiWrappers() = default;

v8::MaybeLocal<v8::Array> BufferApiWrappers::Make(v8::Local<v8::Context> context,
                                                   const std::vector<WrapperSpec>& specs,
                                                   v8::Local<v8::Function> reflect_construct) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::EscapableHandleScope scope(isolate);
  // Before any stand-in runs, the only way into InBufferInternals.
  InstallBufferFramesFlush(isolate, session_);
  reflect_construct_.Reset(isolate, reflect_construct);
  std::vector<v8::Local<v8::Value>> stand_ins;
  std::vector<std::unique_ptr<Wrapped>> made;
  for (const WrapperSpec& spec : specs) {
    auto wrapped = std::make_unique<Wrapped>();
    wrapped->owner = this;
    wrapped->original.Reset(isolate, spec.original);
    if (spec.name != kToStringName) {
      wrapped->api = ViewApiFromName(spec.name);
      if (!wrapped->api) {
        isolate->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8(isolate, ("not a Buffer API: " + spec.name).c_str())
                .ToLocalChecked()));
        return {};
      }
    }
    if (!spec.tracked_receivers.IsEmpty()) {
      wrapped->tracked_receivers.Reset(isolate, spec.tracked_receivers);
    }
    // Buffer's own functions are plain functions (constructible, with a prototype); methods
    // such as Uint8Array.prototype.subarray and toString are neither, nor are their stand-ins.
    const v8::ConstructorBehavior constructible = spec.original->IsConstructor()
                                                      ? v8::ConstructorBehavior::kAllow
                                                      : v8::ConstructorBehavior::kThrow;
    // From a template V8 caches per context, not v8::Function::New (whose function is made
    // afresh from an uncached template): V8 13.6 may record an API call's frame by its
    // template and, asked for the frame's function, instantiates the template again. Only a
    // cached instantiation is the stand-in itself, which Error.captureStackTrace(holder,
    // Buffer.from) must find on the stack to cut it there.
    v8::Local<v8::Function> stand_in;
    if (!v8::FunctionTemplate::New(isolate, wrapped->api ? &CallBufferApi : &CallToString,
                                   v8::External::New(isolate, wrapped.get()),
                                   v8::Local<v8::Signature>(), 0, constructible)
             ->GetFunction(context)
             .ToLocal(&stand_in)) {
      return {};
    }
    // Its name as V8 itself knows it: native-code source text and messages use this one.
    v8::Local<v8::Value> name = spec.original->GetName();
    if (name->IsString()) stand_in->SetName(name.As<v8::String>());
    wrapped->stand_in.Reset(isolate, stand_in);
    stand_ins.push_back(stand_in);
    made.push_back(std::move(wrapped));
  }
  for (auto& wrapped : made) wrapped_.push_back(std::move(wrapped));
  return scope.Escape(v8::Array::New(isolate, stand_ins.data(), stand_ins.size()));
}

v8::MaybeLocal<v8::Value> BufferApiWrappers::CallOriginal(
    const v8::FunctionCallbackInfo<v8::Value>& info, v8::Local<v8::Function> original,
    v8::Local<v8::Value> receiver) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  absl::InlinedVector<v8::Local<v8::Value>, 4> args;
  args.reserve(info.Length());
  for (int i = 0; i < info.Length(); ++i) args.push_back(info[i]);
  if (!info.IsConstructCall()) {
    // V8 calls API functions as sloppy-mode functions, with undefined and null receivers
    // replaced by the global proxy; Node's Buffer functions are strict. An unbound method call
    // (`const { subarray } = buf; subarray()`) must throw as it does untracked.
    if (receiver == context->Global()) receiver = v8::Undefined(isolate);
    receiver = Unboxed(isolate, receiver);
    return original->Call(context, receiver, static_cast<int>(args.size()), args.data());
  }
  v8::Local<v8::Value> construct_args[] = {
      original, v8::Array::New(isolate, args.data(), args.size()), info.NewTarget()};
  return reflect_construct_.Get(isolate)->Call(context, v8::Undefined(isolate), 3,
                                                construct_args);
}

void BufferApiWrappers::CallBufferApi(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Wrapped& wrapped = *static_cast<Wrapped*>(info.Data().As<v8::External>()->Value());
  BufferApiWrappers& self = *wrapped.owner;
  Session& session = self.session_;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Function> original = wrapped.original.Get(isolate);
  const Session::BufferCall enclosing = session.current_call();
  // A call in its own right is the user's, or one that user code run inside another call
  // makes. A Buffer API that Node's Buffer code calls (concat -> allocUnsafe, slice ->
  // subarray) is part of the call that runs it: only the user's call is located.
  const bool own_right =
      session.tracking() &&
      (wrapped.tracked_receivers.IsEmpty() ||
       IsInstance(info.This(), wrapped.tracked_receivers.Get(isolate))) &&
      (!enclosing.active || !IsPartOf(session.current_call(), *wrapped.api, isolate));
  v8::Local<v8::Value> result;
  if (!own_right) {
    if (self.CallOriginal(info, original, info.This()).ToLocal(&result)) {
      info.GetReturnValue().Set(result);
    }
    return;
  }
  Session::BufferCall call;
  call.active = true;
  call.level = enclosing.active ? enclosing.level + 1 : 0;
  call.may_run_user_code = MayRunUserCode(info, *wrapped.api);
  call.api = *wrapped.api;
  session.set_current_call(call);
  const uint64_t pending_before = session.pending_stores_made();
  const bool returned = self.CallOriginal(info, original, info.This()).ToLocal(&result);
  session.set_current_call(enclosing);
  const bool tracked = returned && result->IsUint8Array() &&
                       self.TrackIfSampled(isolate, result.As<v8::Uint8Array>(), call,
                                           MayOwnStore(info, *wrapped.api));
  // The stores it made that no tracked view claimed: see Tracker::OnTrackedCallFailed.
  if (!tracked && session.pending_stores_made() != pending_before) {
    session.tracker().OnTrackedCallFailed(call.level);
  }
  // Otherwise the original's exception is pending, and propagates untouched.
  if (returned) info.GetReturnValue().Set(result);
}

bool BufferApiWrappers::TrackIfSampled(v8::Isolate* isolate, v8::Local<v8::Uint8Array> view,
                                       const Session::BufferCall& call, bool may_own_store) {
  StoreSampling& sampling = session_.sampling();
  if (!sampling.enabled()) {
    views_.Track(isolate, view, call.api, call.level, may_own_store);
    return true;
  }
  // HasBuffer first: a view whose bytes are on the JS heap is never made to allocate a store.
  ByteSampler::Decision decision;
  v8::Local<v8::ArrayBuffer> buffer;
  if (view->HasBuffer() && (buffer = view->Buffer())->Data() != nullptr) {
    bool left_out_first_seen = false;
    decision = sampling.ForViewStore(session_.tracker(), buffer->Data(), buffer->ByteLength(),
                                     &left_out_first_seen);
    if (left_out_first_seen) views_.LeaveOutStore(isolate, buffer);
  } else {
    decision = sampling.ForHeapView(view->ByteLength());
  }
  if (!decision.sampled) return false;
  views_.Track(isolate, view, call.api, call.level, may_own_store, decision.weight);
  return true;
}

void BufferApiWrappers::CallToString(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Wrapped& wrapped = *static_cast<Wrapped*>(info.Data().As<v8::External>()->Value());
  BufferApiWrappers& self = *wrapped.owner;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Value> receiver = info.This();
  for (const auto& other : self.wrapped_) {
    if (other->api && other->stand_in == receiver) {
      receiver = other->original.Get(isolate);
      break;
    }
  }
  v8::Local<v8::Value> result;
  if (self.CallOriginal(info, wrapped.original.Get(isolate), receiver).ToLocal(&result)) {
    info.GetReturnValue().Set(result);
  }
}

}  // namespace slab_hunter
