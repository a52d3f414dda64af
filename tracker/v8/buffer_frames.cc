#include "tracker/v8/buffer_frames.h"

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "tracker/v8/stack_capture.h"
#include "v8.h"

namespace slab_hunter {
namespace {

// The sampler's cost grows with the frames it walks, and the innermost one is nearly always a
// JS frame (from an API callback or an allocation); builtin frames (Reflect.apply ...) can come
// first, and then a few more frames reach the JS frame that called them.
constexpr int kSampleFrames = 8;

// The verdict per code position: a sample entry names the position (bytecode array and offset,
// or machine code address) of the innermost JS frame. Code moves or dies in a garbage
// collection, so the cache is cleared at each one.
struct VerdictCache {
  absl::flat_hash_map<uintptr_t, bool> by_position;
  uint64_t generation = 0;  // collections seen
};

VerdictCache& Cache() {
  static VerdictCache* cache = new VerdictCache();
  return *cache;
}

void Flush(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void*) {
  VerdictCache& cache = Cache();
  cache.by_position.clear();
  ++cache.generation;
}

bool IsEmbeddedBuiltin(v8::Isolate* isolate, uintptr_t position) {
  static uintptr_t start = 0;
  static size_t length = 0;
  if (start == 0) {
    const void* code = nullptr;
    isolate->GetEmbeddedCodeRange(&code, &length);
    start = reinterpret_cast<uintptr_t>(code);
  }
  return position >= start && position - start < length;
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
bool ComputeInBufferInternals(v8::Isolate* isolate) {
  // Script ids are never reused within an isolate.
  static auto* by_script = new absl::flat_hash_map<int, bool>();
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
  VerdictCache& cache = Cache();
  void* frames[kSampleFrames];
  uintptr_t innermost = 0;
  for (const size_t limit : {size_t{1}, size_t{kSampleFrames}}) {
    const size_t count = SampleFrames(isolate, frames, limit);
    for (size_t i = 0; i < count && innermost == 0; ++i) {
      const auto position = reinterpret_cast<uintptr_t>(frames[i]);
      if (!IsEmbeddedBuiltin(isolate, position)) innermost = position;
    }
    if (innermost != 0 || count < limit) break;
  }
  if (innermost == 0) return ComputeInBufferInternals(isolate);
  if (auto it = cache.by_position.find(innermost); it != cache.by_position.end()) {
    return it->second;
  }
  // The stack-trace API allocates on the JS heap: a collection it triggers invalidates the
  // position, and the verdict is then not cached.
  const uint64_t generation = cache.generation;
  const bool internal = ComputeInBufferInternals(isolate);
  if (cache.generation == generation) cache.by_position.emplace(innermost, internal);
  return internal;
}

void InstallBufferFramesFlush(v8::Isolate* isolate) {
  static bool installed = false;
  if (installed) return;
  isolate->AddGCPrologueCallback(&Flush, nullptr, v8::kGCTypeAll);
  installed = true;
}

}  // namespace slab_hunter
