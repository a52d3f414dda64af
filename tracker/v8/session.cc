#include "tracker/v8/session.h"

#include <time.h>

#include <cstdint>
#include <limits>
#include <mutex>

#include "tracker/v8/node_kept_stores.h"
#include "tracker/v8/view_registry.h"
#include "tracker/v8/wrappers.h"

namespace slab_hunter {
namespace {

// One isolate per thread, as Node runs them.
thread_local Session* current_session = nullptr;

// The ended Workers' stack captures, for --slab-hunter-verify-stacks' line.
std::mutex ended_workers_mutex;
Session::CaptureStats ended_workers_stats;

// The calling thread's CPU time: what a collection cost it, without the time it waited for a
// core on a loaded machine.
int64_t ThreadCpuNanos() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// Full collections (V8's own or ours): when the latest began, and what it cost.
void NoteFullCollectionStart(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* full = static_cast<Session::FullCollections*>(data);
  full->last_start_nanos = Session::Current()->clock().NowNanos();
  full->last_start_cpu_nanos = ThreadCpuNanos();
}
void NoteFullCollectionEnd(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  auto* full = static_cast<Session::FullCollections*>(data);
  full->last_pause_cpu_nanos = ThreadCpuNanos() - full->last_start_cpu_nanos;
  ++full->count;
}

}  // namespace

Session::Session() : tracker_(&clock_, StoreSource::kAllocator), thread_id_(0) {}

Session::Session(v8::Isolate* isolate, int64_t thread_id)
    : tracker_(&clock_, StoreSource::kViews), isolate_(isolate), thread_id_(thread_id) {}

Session::~Session() {
  if (thread_id_ != 0) {
    std::lock_guard<std::mutex> lock(ended_workers_mutex);
    ended_workers_stats += capture_stats_;
  }
  if (timeline_ != nullptr) {
    isolate()->RemoveGCPrologueCallback(&NoteFullCollectionStart, &full_collections_);
    isolate()->RemoveGCEpilogueCallback(&NoteFullCollectionEnd, &full_collections_);
  }
  // The registry resets its handles, so that no weak callback comes for a session gone.
  wrappers_.reset();
  views_.reset();
  gc_function_.Reset();
  if (current_session == this) current_session = nullptr;
}

Session::CaptureStats Session::EndedWorkersCaptureStats() {
  std::lock_guard<std::mutex> lock(ended_workers_mutex);
  return ended_workers_stats;
}

Session& Session::Main() {
  // Never destroyed: the allocator may still free backing stores during process teardown.
  static Session* session = new Session();
  return *session;
}

Session* Session::Current() { return current_session; }

void Session::SetCurrent(Session* session) { current_session = session; }

HuntSettings& Session::settings() {
  static HuntSettings* settings = new HuntSettings();
  return *settings;
}

ViewRegistry& Session::views() {
  if (views_ == nullptr) views_ = std::make_unique<ViewRegistry>(*this);
  return *views_;
}

bool Session::StartTimeline(const AnalysisOptions& options) {
  if (timeline_ != nullptr) return false;
  timeline_options_ = options;
  timeline_ = std::make_unique<Timeline>(options.created_since_nanos);
  isolate()->AddGCPrologueCallback(&NoteFullCollectionStart, &full_collections_,
                                   v8::kGCTypeMarkSweepCompact);
  isolate()->AddGCEpilogueCallback(&NoteFullCollectionEnd, &full_collections_,
                                   v8::kGCTypeMarkSweepCompact);
  return true;
}

void Session::TickTimeline(const AnalysisOptions& nodes_own, bool after_full_collection) {
  if (timeline_ == nullptr) return;
  if (!after_full_collection) {
    // Only a full collection tells what is reachable: without one since the last point, a
    // point would repeat it, or count what died in V8's old space since.
    if (!FullCollectionSinceLastPoint()) return;
    timeline_options_.created_before_nanos = full_collections_.last_start_nanos;
  } else {
    timeline_options_.created_before_nanos = std::numeric_limits<int64_t>::max();
  }
  full_collections_at_last_point_ = full_collections_.count;
  last_point_nanos_ = clock_.NowNanos();
  timeline_options_.kept_by_node = nodes_own.kept_by_node;
  timeline_options_.serialized_errors = nodes_own.serialized_errors;
  if (views_ != nullptr) views_->SweepCollectedViews();
  tracker_.TallySites(timeline_options_, tally_);
  timeline_->Add(tally_);
}

BufferApiWrappers& Session::wrappers() {
  if (wrappers_ == nullptr) wrappers_ = std::make_unique<BufferApiWrappers>(*this, views());
  return *wrappers_;
}

void FillNodesOwn(v8::Local<v8::Context> context, Session& session, AnalysisOptions* options) {
  options->kept_by_node = StoresNodeKeeps(context, session.tracker());
  options->serialized_errors = session.serialized_errors().Addresses(context->GetIsolate());
}

}  // namespace slab_hunter
