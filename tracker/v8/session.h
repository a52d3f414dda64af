// Session: the tracker of one isolate (the main one, or a Node 24 Worker's), with its interning
// tables, its view registry, stand-ins and caches; the process-wide settings. Each isolate runs
// on a thread of its own, which finds its session as Session::Current(). Tracking stays off
// (hooks record nothing) until Start().
#ifndef SLAB_HUNTER_TRACKER_V8_SESSION_H_
#define SLAB_HUNTER_TRACKER_V8_SESSION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tracker/core/clock.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/stack_cache.h"
#include "tracker/core/timeline.h"
#include "tracker/core/tracker.h"
#include "tracker/v8/frame_walk.h"
#include "tracker/v8/serialized_errors.h"
#include "tracker/v8/settings.h"
#include "tracker/v8/store_sampling.h"

#include "v8.h"

namespace slab_hunter {

class BufferApiWrappers;
class ViewRegistry;

class Session {
 public:
  // The main isolate's, whose allocator reports every store (made at first use, never freed:
  // the allocator may still free stores during process teardown). Thread id 0.
  static Session& Main();
  // The session of the isolate on this thread, or null.
  static Session* Current();
  // Makes this session the current thread's (null: none).
  static void SetCurrent(Session* session);

  // A Worker's: Node gives Workers an allocator of its own, so their stores are seen through
  // the views made on them (StoreSource::kViews). `thread_id` as Node numbers the Worker.
  Session(v8::Isolate* isolate, int64_t thread_id);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The isolate whose JS stacks are captured: its allocator and views are the ones tracked.
  void AttachIsolate(v8::Isolate* isolate) { isolate_.store(isolate, std::memory_order_release); }
  v8::Isolate* isolate() const { return isolate_.load(std::memory_order_acquire); }
  int64_t thread_id() const { return thread_id_; }
  bool is_main() const { return this == &Main(); }

  // Turns tracking on (idempotent); started_nanos() is when the first call did.
  void Start() {
    if (!tracking()) {
      started_nanos_ = clock_.NowNanos();
      sampling_ = std::make_unique<StoreSampling>(settings().sample_interval,
                                                  ProcessSampleSeed(settings()), thread_id_);
    }
    tracking_.store(true, std::memory_order_release);
  }
  bool tracking() const { return tracking_.load(std::memory_order_acquire); }
  int64_t started_nanos() const { return started_nanos_; }

  // The innermost Buffer call running in its own right on the isolate's thread: the user's
  // call, or one that user code run inside another call made (a getter calling
  // Buffer.allocUnsafe). A Buffer API that Node's Buffer code calls belongs to the enclosing
  // call. Set by the wrappers (wrappers.h) around each call, read by the allocator.
  struct BufferCall {
    bool active = false;
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
  // Which stores are tracked (all unless sampling); made by Start(), so never null while
  // tracking.
  StoreSampling& sampling() { return *sampling_; }
  // Bumped for each store the allocator leaves pending for a Buffer call's view (isolate
  // thread): a call whose view is not tracked resolves the stores it made only if this moved.
  uint64_t pending_stores_made() const { return pending_stores_made_; }
  void NotePendingStore() { ++pending_stores_made_; }

  // The process's, set from the flags before any isolate runs JS; read-only afterwards.
  static HuntSettings& settings();
  int stack_depth() const { return settings().stack_depth; }

  // Made at first use, on the isolate's thread; destroyed with the session.
  ViewRegistry& views();
  ViewRegistry* views_if_made() { return views_.get(); }
  BufferApiWrappers& wrappers();
  SerializedErrors& serialized_errors() { return serialized_errors_; }

  // The timeline of what each site holds (isolate thread only): started once, by the flags or
  // the first setupSlabHunter(), counting with their cut-offs. Returns false when it was
  // already started.
  bool StartTimeline(const AnalysisOptions& options);
  // Null until started.
  Timeline* timeline() { return timeline_.get(); }
  // One point of the timeline, leaving out the stores that are Node's own (`nodes_own`' lists,
  // see FillNodesOwn); nothing before StartTimeline(). Only what a full collection found alive
  // counts: right after one (`after_full_collection`), everything tracked; otherwise the
  // records made before the latest full collection began, and no point at all when there has
  // been none since the last point.
  void TickTimeline(const AnalysisOptions& nodes_own, bool after_full_collection);

  // The full collections V8 made on this isolate since the timeline started (isolate thread).
  struct FullCollections {
    uint64_t count = 0;
    int64_t last_start_nanos = 0;  // clock()
    int64_t last_start_cpu_nanos = 0;  // the isolate thread's CPU time
    // The isolate thread's CPU time the latest took: on a loaded machine its wall time grows
    // with the waits for a core, which would starve the timeline of points.
    int64_t last_pause_cpu_nanos = 0;
  };
  const FullCollections& full_collections() const { return full_collections_; }
  // Whether a full collection has come since the last point (without one, a tick adds none).
  bool FullCollectionSinceLastPoint() const {
    return full_collections_.count != full_collections_at_last_point_;
  }
  // When the last point was added (clock()); 0 before the first.
  int64_t last_point_nanos() const { return last_point_nanos_; }

  Tracker& tracker() { return tracker_; }
  FrameTable& frames() { return frames_; }
  StackTree& stacks() { return stacks_; }
  StackCache& stack_cache() { return stack_cache_; }
  FrameWalk& frame_walk() { return *frame_walk_; }
  ReclaimSchedule& stack_reclaims() { return stack_reclaims_; }

  // How stack captures went (isolate thread only).
  struct CaptureStats {
    uint64_t sampled_hits = 0;
    uint64_t walk_hits = 0;   // of those, named by a frame walk (frame_walk.h)
    uint64_t full_captures = 0;
    uint64_t verified = 0;    // hits checked against a full capture (verify_stack_cache)
    uint64_t mismatches = 0;  // of those, hits whose stack differed
    uint64_t reclaims = 0;    // times the stack tables gave back unused stacks
    CaptureStats& operator+=(const CaptureStats& more) {
      sampled_hits += more.sampled_hits;
      walk_hits += more.walk_hits;
      full_captures += more.full_captures;
      verified += more.verified;
      mismatches += more.mismatches;
      reclaims += more.reclaims;
      return *this;
    }
  };
  CaptureStats& capture_stats() { return capture_stats_; }
  // Those of every Worker's session that has ended, added up (any thread).
  static CaptureStats EndedWorkersCaptureStats();
  const Clock& clock() const { return clock_; }

  // What the glue learns of the isolate's scripts and code, per isolate: script ids and code
  // positions are the isolate's own. Isolate thread only.
  struct IsolateCaches {
    absl::flat_hash_map<int, bool> skipped_scripts;          // stack_capture.cc
    absl::flat_hash_map<int, bool> buffer_internal_scripts;  // buffer_frames.cc
    absl::flat_hash_map<uintptr_t, bool> buffer_internal_positions;
    uint64_t collections = 0;  // bumped when code positions are forgotten
    bool buffer_frames_flush_installed = false;
    uintptr_t embedded_code_start = 0;
    size_t embedded_code_length = 0;
  };
  IsolateCaches& caches() { return caches_; }
  // The private gc() of full_collection.h.
  v8::Global<v8::Function>& gc_function() { return gc_function_; }

 private:
  Session();

  SteadyClock clock_;
  Tracker tracker_;
  FrameTable frames_;
  StackTree stacks_;
  StackCache stack_cache_;
  std::unique_ptr<FrameWalk> frame_walk_ = std::make_unique<FrameWalk>();
  ReclaimSchedule stack_reclaims_;
  CaptureStats capture_stats_;
  std::atomic<v8::Isolate*> isolate_{nullptr};
  const int64_t thread_id_;
  std::atomic<bool> tracking_{false};
  int64_t started_nanos_ = 0;
  BufferCall current_call_;
  std::unique_ptr<StoreSampling> sampling_;
  uint64_t pending_stores_made_ = 0;
  std::unique_ptr<ViewRegistry> views_;
  std::unique_ptr<BufferApiWrappers> wrappers_;
  IsolateCaches caches_;
  v8::Global<v8::Function> gc_function_;
  std::unique_ptr<Timeline> timeline_;
  AnalysisOptions timeline_options_;
  FullCollections full_collections_;
  uint64_t full_collections_at_last_point_ = 0;
  int64_t last_point_nanos_ = 0;
  SiteTally tally_;  // reused by every tick
  SerializedErrors serialized_errors_;
};

// Fills `options`' lists of the stores that are Node's own now, which no report counts: the
// read buffer it keeps (node_kept_stores.h) and the errors it has handed over from other threads
// (serialized_errors.h). Isolate thread only; runs no JS.
void FillNodesOwn(v8::Local<v8::Context> context, Session& session, AnalysisOptions* options);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_SESSION_H_
