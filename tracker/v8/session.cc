#include "tracker/v8/session.h"

#include "tracker/v8/view_registry.h"
#include "tracker/v8/wrappers.h"

namespace slab_hunter {
namespace {

// One isolate per thread, as Node runs them.
thread_local Session* current_session = nullptr;

}  // namespace

Session::Session() : tracker_(&clock_, StoreSource::kAllocator), thread_id_(0) {}

Session::Session(v8::Isolate* isolate, int64_t thread_id)
    : tracker_(&clock_, StoreSource::kViews), isolate_(isolate), thread_id_(thread_id) {}

Session::~Session() {
  // The registry resets its handles, so that no weak callback comes for a session gone.
  wrappers_.reset();
  views_.reset();
  gc_function_.Reset();
  if (current_session == this) current_session = nullptr;
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
  return true;
}

void Session::TickTimeline() {
  if (timeline_ == nullptr) return;
  tracker_.TallySites(timeline_options_, tally_);
  timeline_->Add(tally_);
}

BufferApiWrappers& Session::wrappers() {
  if (wrappers_ == nullptr) wrappers_ = std::make_unique<BufferApiWrappers>(*this, views());
  return *wrappers_;
}

}  // namespace slab_hunter
