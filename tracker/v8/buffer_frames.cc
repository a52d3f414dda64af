#include "tracker/v8/buffer_frames.h"

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "v8.h"

namespace slab_hunter {
namespace {

using Caches = Session::IsolateCaches;

// The sampler's cost grows with the frames it walks, and the innermost one is nearly always a
// JS frame (from an API callback or an allocation); builtin frames (Reflect.apply ...) can come
// first, and then a few more frames reach the JS frame that called them.
constexpr int kSampleFrames = 8;

// The verdict per code position (the session's buffer_internal_positions): a sample entry names
// the position (bytecode array and offset, or machine code address) of the innermost JS frame.
// Code moves or dies in a garbage collection, so the cache is cleared at each one.
void Flush(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  Caches& caches = *static_cast<Caches*>(data);
  caches.buffer_internal_positions.clear();
  ++caches.collections;
}

bool IsEmbeddedBuiltin(v8::Isolate* isolate, Caches& caches, uintptr_t position) {
  if (caches.embedded_code_start == 0) {
    const void* code = nullptr;
    isolate->GetEmbeddedCodeRange(&code, &caches.embedded_code_length);
    caches.embedded_code_start = reinterpret_cast<uintptr_t>(code);
  }
  return position >= caches.embedded_code_start &&
         position - caches.embedded_code_start < caches.embedded_code_length;
}

// Up to `limit` raw frame positions, innermost first (see CaptureStack for the registers).
__attribute__((noinline)) size_t SampleFrames(v8::Isolate* isolate, void** frames, size_t limit) {
  void* stack_marker = nullptr;
  v8::RegisterState registers;
  registers.pc = nullptr;
  registers.sp = &stack_marker;
  registers.fp = __builtin_frame_address(0);
  v8::SampleInfo info{};
  isolate->GetStackSample(registers, frames, limit, &info);
  return info.frames_count;
}

bool IsBufferInternalName(v8::Isolate* isolate, v8::Local<v8::String> name) {
  char utf8[32];
  // Longer names are not Buffer internals; checking the length first spares copying a path.
  if (name.IsEmpty() || name->Length() >= static_cast<int>(sizeof(utf8))) return false;
  const int length =
      name->WriteUtf8(isolate, utf8, sizeof(utf8), nullptr, v8::String::NO_NULL_TERMINATION);
  return IsBufferInternalScript(utf8, static_cast<size_t>(length));
}

// The verdict from V8's stack-trace API: the innermost frame with a script (builtins have
// none; code from eval or new Function has one, even without a name, and is the user's).
bool ComputeInBufferInternals(v8::Isolate* isolate, Caches& caches) {
  // Script ids are never reused within an isolate.
  absl::flat_hash_map<int, bool>* by_script = &caches.buffer_internal_scripts;
  v8::HandleScope scope(isolate);
  v8::Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(
      isolate, kSampleFrames,
      static_cast<v8::StackTrace::StackTraceOptions>(v8::StackTrace::kScriptId |
                                                     v8::StackTrace::kScriptName));
  for (int i = 0; i < trace->GetFrameCount(); ++i) {
    v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, i);
    const int script_id = frame->GetScriptId();
    if (script_id == v8::Message::kNoScriptIdInfo) continue;
    if (auto it = by_script->find(script_id); it != by_script->end()) return it->second;
    const bool internal = IsBufferInternalName(isolate, frame->GetScriptName());
    by_script->emplace(script_id, internal);
    return internal;
  }
  return false;
}

}  // namespace

bool InBufferInternals(v8::Isolate* isolate) {
  Session* session = Session::Current();
  if (session == nullptr) return false;
  Caches& caches = session->caches();
  void* frames[kSampleFrames];
  uintptr_t innermost = 0;
  for (const size_t limit : {size_t{1}, size_t{kSampleFrames}}) {
    const size_t count = SampleFrames(isolate, frames, limit);
    for (size_t i = 0; i < count && innermost == 0; ++i) {
      const auto position = reinterpret_cast<uintptr_t>(frames[i]);
      if (!IsEmbeddedBuiltin(isolate, caches, position)) innermost = position;
    }
    if (innermost != 0 || count < limit) break;
  }
  if (innermost == 0) return ComputeInBufferInternals(isolate, caches);
  if (auto it = caches.buffer_internal_positions.find(innermost);
      it != caches.buffer_internal_positions.end()) {
    return it->second;
  }
  // The stack-trace API allocates on the JS heap: a collection it triggers invalidates the
  // position, and the verdict is then not cached.
  const uint64_t generation = caches.collections;
  const bool internal = ComputeInBufferInternals(isolate, caches);
  if (caches.collections == generation) {
    caches.buffer_internal_positions.emplace(innermost, internal);
  }
  return internal;
}

void InstallBufferFramesFlush(v8::Isolate* isolate, Session& session) {
  Caches& caches = session.caches();
  if (caches.buffer_frames_flush_installed) return;
  isolate->AddGCPrologueCallback(&Flush, &caches, v8::kGCTypeAll);
  caches.buffer_frames_flush_installed = true;
}

void UninstallBufferFramesFlush(v8::Isolate* isolate, Session& session) {
  if (session.caches().buffer_frames_flush_installed) {
    isolate->RemoveGCPrologueCallback(&Flush, &session.caches());
  }
}

}  // namespace slab_hunter
