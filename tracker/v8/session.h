// Session: the one tracker of this process's main isolate, with the interning tables and the
// capture settings the V8 hooks share. Tracking stays off (hooks record nothing) until Start().
#ifndef SLAB_HUNTER_TRACKER_V8_SESSION_H_
#define SLAB_HUNTER_TRACKER_V8_SESSION_H_

#include <atomic>
#include <cstdint>

#include "tracker/core/clock.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/stack_cache.h"
#include "tracker/core/tracker.h"
#include "tracker/v8/settings.h"

namespace v8 {
class Isolate;
}

namespace slab_hunter {

class Session {
 public:
  static Session& Get();

  // The isolate whose JS stacks are captured: its allocator and views are the ones tracked.
  void AttachIsolate(v8::Isolate* isolate) { isolate_.store(isolate, std::memory_order_release); }
  v8::Isolate* isolate() const { return isolate_.load(std::memory_order_acquire); }

  void Start() { tracking_.store(true, std::memory_order_release); }
  bool tracking() const { return tracking_.load(std::memory_order_acquire); }

  // The innermost Buffer call running in its own right on the isolate's thread: the user's
  // call, or one that user code run inside another call made (a getter calling
  // Buffer.allocUnsafe). A Buffer API that Node's Buffer code calls belongs to the enclosing
  // call. Set by the wrappers (wrappers.h) around each call, read by the allocator.
  struct BufferCall {
    bool active = false;
    bool tracked = false;    // false: left out by sampling
    uint32_t level = 0;      // calls in their own right enclosing this one
    // Whether the call can run user code (a getter of an object argument, a valueOf): if not,
    // everything running inside it is Node's, and no frame needs checking.
    bool may_run_user_code = true;
    ViewApi api = ViewApi::kAllocUnsafe;
    // buf.slice() hands its work to this.subarray() at once; set when that call has begun.
    bool delegated = false;
  };
  const BufferCall& current_call() const { return current_call_; }
  BufferCall& current_call() { return current_call_; }
  void set_current_call(const BufferCall& call) { current_call_ = call; }
  // --slab-hunter-sample-rate=N: whether the Buffer call starting now is the one in N tracked.
  bool SampleNextCall() {
    if (--calls_until_sample_ > 0) return false;
    calls_until_sample_ = settings_.sample_rate;
    return true;
  }

  // Set from the flags before the isolate runs any JS; read-only afterwards.
  HuntSettings& settings() { return settings_; }
  int stack_depth() const { return settings_.stack_depth; }

  Tracker& tracker() { return tracker_; }
  FrameTable& frames() { return frames_; }
  StackTree& stacks() { return stacks_; }
  StackCache& stack_cache() { return stack_cache_; }
  ReclaimSchedule& stack_reclaims() { return stack_reclaims_; }

  // How stack captures went (isolate thread only).
  struct CaptureStats {
    uint64_t sampled_hits = 0;
    uint64_t full_captures = 0;
    uint64_t verified = 0;    // hits checked against a full capture (verify_stack_cache)
    uint64_t mismatches = 0;  // of those, hits whose stack differed
    uint64_t reclaims = 0;    // times the stack tables gave back unused stacks
  };
  CaptureStats& capture_stats() { return capture_stats_; }
  const Clock& clock() const { return clock_; }

 private:
  Session() : tracker_(&clock_) {}

  SteadyClock clock_;
  Tracker tracker_;
  FrameTable frames_;
  StackTree stacks_;
  StackCache stack_cache_;
  ReclaimSchedule stack_reclaims_;
  CaptureStats capture_stats_;
  std::atomic<v8::Isolate*> isolate_{nullptr};
  std::atomic<bool> tracking_{false};
  BufferCall current_call_;
  int calls_until_sample_ = 1;
  HuntSettings settings_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_SESSION_H_
