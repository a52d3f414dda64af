#include "tracker/v8/stack_capture.h"

#include <cstring>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "tracker/v8/session.h"
#include "v8.h"

namespace slab_hunter {
namespace {

// Skipped frames sit above the user's call: our wrapper, and node:buffer when a Buffer API
// calls another one (new Buffer() -> Buffer.alloc). More than this many means a deep internal
// chain, and the deepest of them is kept rather than losing the user's frames.
constexpr int kMaxSkippedFrames = 8;

constexpr v8::StackTrace::StackTraceOptions kCaptureOptions =
    static_cast<v8::StackTrace::StackTraceOptions>(v8::StackTrace::kDetailed |
                                                   v8::StackTrace::kScriptId);

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::String> value) {
  if (value.IsEmpty()) return std::string();
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 == nullptr ? std::string() : std::string(*utf8, utf8.length());
}

bool IsSkippedScript(v8::Isolate* isolate, v8::Local<v8::StackFrame> frame) {
  // Script ids are never reused within an isolate, so a script's verdict is cached by id.
  static auto* verdicts = new absl::flat_hash_map<int, bool>();
  const int script_id = frame->GetScriptId();
  auto it = verdicts->find(script_id);
  if (it != verdicts->end()) return it->second;
  const std::string name = ToUtf8(isolate, frame->GetScriptName());
  const bool skipped = IsBufferInternalScript(name.data(), name.size());
  verdicts->emplace(script_id, skipped);
  return skipped;
}

Frame Describe(v8::Isolate* isolate, v8::Local<v8::StackFrame> frame) {
  Frame described;
  described.function = ToUtf8(isolate, frame->GetFunctionName());
  described.script = ToUtf8(isolate, frame->GetScriptNameOrSourceURL());
  described.line = frame->GetLineNumber();
  described.column = frame->GetColumn();
  described.is_constructor = frame->IsConstructor();
  return described;
}

}  // namespace

bool IsBufferInternalScript(const char* name, size_t length) {
  static constexpr const char* kSkipped[] = {"node:slab_hunter", "node:buffer",
                                             "node:internal/buffer"};
  for (const char* skipped : kSkipped) {
    if (length == std::strlen(skipped) && std::memcmp(name, skipped, length) == 0) return true;
  }
  return false;
}

StackId CaptureStack(v8::Isolate* isolate, Session& session) {
  v8::HandleScope scope(isolate);
  const int depth = session.stack_depth();
  v8::Local<v8::StackTrace> trace =
      v8::StackTrace::CurrentStackTrace(isolate, depth + kMaxSkippedFrames, kCaptureOptions);
  const int count = trace->GetFrameCount();
  absl::InlinedVector<FrameId, 16> frames;
  bool above_user_code = true;
  for (int i = 0; i < count && static_cast<int>(frames.size()) < depth; ++i) {
    v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, i);
    if (above_user_code) {
      if (IsSkippedScript(isolate, frame) && i + 1 < count) continue;
      above_user_code = false;
    }
    const FramePosition position{frame->GetScriptId(), frame->GetLineNumber(),
                                 frame->GetColumn()};
    frames.push_back(
        session.frames().Intern(position, [&] { return Describe(isolate, frame); }));
  }
  return session.stacks().Intern(frames);
}

}  // namespace slab_hunter
