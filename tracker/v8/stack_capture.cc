#include "tracker/v8/stack_capture.h"

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "tracker/v8/session.h"
#include "tracker/v8/v8_values.h"
#include "tracker/v8/view_registry.h"
#include "v8.h"

namespace slab_hunter {
namespace {

// Skipped frames sit above the user's call: our wrapper, and node:buffer when a Buffer API
// calls another one (new Buffer() -> Buffer.alloc). More than this many means a deep internal
// chain, and the deepest of them is kept rather than losing the user's frames.
constexpr int kMaxSkippedFrames = 8;

// A sample holds physical frames, builtin frames (Reflect.apply, Array.prototype.forEach ...)
// among them; twice the logical frames wanted is enough for them to determine those.
constexpr int kMaxSampleFrames = 2 * (64 + kMaxSkippedFrames);

constexpr v8::StackTrace::StackTraceOptions kCaptureOptions =
    static_cast<v8::StackTrace::StackTraceOptions>(v8::StackTrace::kDetailed |
                                                   v8::StackTrace::kScriptId);

// Whether a script's frames are skipped, by script id (the session's skipped_scripts): ids are
// never reused within an isolate. Cleared when stacks are reclaimed, as generated scripts come
// and go.
bool IsSkippedScript(v8::Isolate* isolate, Session& session, v8::Local<v8::StackFrame> frame) {
  absl::flat_hash_map<int, bool>* verdicts = &session.caches().skipped_scripts;
  const int script_id = frame->GetScriptId();
  auto it = verdicts->find(script_id);
  if (it != verdicts->end()) return it->second;
  const std::string name = ToUtf8(isolate, frame->GetScriptName());
  const bool skipped = IsBufferInternalScript(name.data(), name.size());
  verdicts->emplace(script_id, skipped);
  return skipped;
}

// Whether `name` (empty for no name) spells `known`, without building a string on the heap for
// the short names functions have.
bool IsNamed(v8::Isolate* isolate, v8::Local<v8::String> name, std::string_view known) {
  if (name.IsEmpty()) return known.empty();
  const int length = name->Utf8Length(isolate);
  if (static_cast<size_t>(length) != known.size()) return false;
  char small[128];
  std::string large;
  char* utf8 = small;
  if (length > static_cast<int>(sizeof(small))) {
    large.resize(length);
    utf8 = large.data();
  }
  // Utf8Value (ToUtf8) writes with no other option, so both spell a lone surrogate alike.
  name->WriteUtf8(isolate, utf8, length, nullptr, v8::String::NO_NULL_TERMINATION);
  return std::memcmp(utf8, known.data(), length) == 0;
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

// The exact stack, through V8's stack-trace API (a few microseconds).
StackId CaptureFullStack(v8::Isolate* isolate, Session& session) {
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
      if (IsSkippedScript(isolate, session, frame) && i + 1 < count) continue;
      above_user_code = false;
    }
    const v8::Local<v8::String> name = frame->GetFunctionName();
    const FramePosition position{
        frame->GetScriptId(), frame->GetLineNumber(), frame->GetColumn(),
        frame->IsConstructor(),
        name.IsEmpty() ? 0u : static_cast<uint32_t>(name->GetIdentityHash())};
    frames.push_back(session.frames().Intern(
        position, [&](std::string_view known) { return IsNamed(isolate, name, known); },
        [&] { return Describe(isolate, frame); }));
  }
  return session.stacks().Intern(frames);
}

// What the frame walk learned goes with the cache: an interpreter that is not embedded in the
// binary would be code that can move.
void ClearStackCache(Session& session) {
  session.stack_cache().Clear();
  session.frame_walk().Forget();
}

void FlushStackCache(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  ClearStackCache(*static_cast<Session*>(data));
}

// A cached stack, checked against a full capture under --slab-hunter-verify-stacks.
StackId Verified(v8::Isolate* isolate, Session& session, StackId cached) {
  if (session.settings().verify_stack_cache) {
    Session::CaptureStats& stats = session.capture_stats();
    ++stats.verified;
    if (CaptureFullStack(isolate, session) != cached) ++stats.mismatches;
  }
  return cached;
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

void ReclaimUnusedStacks(Session& session) {
  // Collected views not yet swept would keep their stacks.
  if (ViewRegistry* views = session.views_if_made()) views->SweepCollectedViews();
  size_t records_in_use = 0;
  Timeline* const timeline = session.timeline();
  session.tracker().RewriteStacksInUse([&](absl::Span<StackId* const> in_use) {
    records_in_use = in_use.size();
    if (timeline == nullptr) {
      ReclaimStacks(in_use, session.frames(), session.stacks());
      return;
    }
    // The timeline's sites keep their stacks: a site that holds nothing now is still reported
    // with its peak.
    std::vector<StackId*> with_sites(in_use.begin(), in_use.end());
    timeline->AppendStackFields(with_sites);
    ReclaimStacks(with_sites, session.frames(), session.stacks());
    timeline->Reindex();
  });
  // Its StackIds are renumbered or gone; the generation it bumps keeps a capture under way
  // from inserting one.
  ClearStackCache(session);
  session.caches().skipped_scripts = {};
  session.stack_reclaims().Reclaimed(session.stacks().size(), records_in_use);
  ++session.capture_stats().reclaims;
}

void InstallStackCacheFlush(v8::Isolate* isolate, Session& session) {
  // The cache's addresses are of bytecode arrays and code, which V8 allocates in the old
  // generation (10.2: old and code space; 13.6: trusted and code space): a scavenge or a minor
  // mark-sweep never moves or frees them. Only a full mark-compact can (compaction, bytecode
  // flushing, dead code); incremental marking moves nothing until that final pause.
  isolate->AddGCPrologueCallback(&FlushStackCache, &session, v8::kGCTypeMarkSweepCompact);
}

void UninstallStackCacheFlush(v8::Isolate* isolate, Session& session) {
  isolate->RemoveGCPrologueCallback(&FlushStackCache, &session);
}

StackId CaptureStack(v8::Isolate* isolate, Session& session) {
  // Here, before any StackId of this capture exists, renumbering cannot invalidate one.
  if (session.stack_reclaims().Due(session.stacks().size())) ReclaimUnusedStacks(session);
  Session::CaptureStats& stats = session.capture_stats();
  StackCache& cache = session.stack_cache();
  const uint64_t generation = cache.generation();
  // The frame chain (tens of nanoseconds) names call paths already checked against a sample.
  FrameWalk& walk = session.frame_walk();
  const bool walked = walk.Read(__builtin_frame_address(0));
  if (walked) {
    if (const auto cached = cache.Find(walk.Key())) {
      ++stats.sampled_hits;
      ++stats.walk_hits;
      return Verified(isolate, session, *cached);
    }
  }
  // A raw sample (under a microsecond) names the call path; the cache maps it to the stack a
  // full capture gave the first time that path was seen since the last full collection.
  void* sample[kMaxSampleFrames];
  v8::SampleInfo info{};
  const size_t wanted = 2 * static_cast<size_t>(session.stack_depth() + kMaxSkippedFrames);
  // The sampler bounds every frame it reads by [sp, the JS entry]: it needs this frame's real
  // stack and frame pointers (zeros make it read anywhere). From here, native code, it walks
  // from the exit frame of the API call that brought us here.
  v8::RegisterState registers;
  registers.pc = nullptr;
  registers.sp = &sample[0];
  registers.fp = __builtin_frame_address(0);
  isolate->GetStackSample(registers, sample, wanted, &info);
  if (info.frames_count == 0) {
    ++stats.full_captures;
    return CaptureFullStack(isolate, session);
  }
  const absl::Span<const uintptr_t> key(reinterpret_cast<const uintptr_t*>(sample),
                                        info.frames_count);
  // The walk's key, when the sample shows it tells this call path apart.
  const bool walk_known =
      walked && walk.Learn(absl::MakeConstSpan(sample, info.frames_count),
                           /*complete=*/info.frames_count < wanted);
  if (const auto cached = cache.Find(key)) {
    ++stats.sampled_hits;
    if (walk_known) cache.Insert(walk.Key(), *cached, generation);
    return Verified(isolate, session, *cached);
  }
  // Copied now: the full capture below may collect garbage and move what the walk's slots hold.
  std::vector<uintptr_t> walk_key;
  if (walk_known) {
    const absl::Span<const uintptr_t> named = walk.Key();
    walk_key.assign(named.begin(), named.end());
  }
  ++stats.full_captures;
  const StackId stack = CaptureFullStack(isolate, session);
  cache.Insert(key, stack, generation);
  if (walk_known) cache.Insert(walk_key, stack, generation);
  return stack;
}

}  // namespace slab_hunter
