#include "tracker/v8/worker_sessions.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "tracker/v8/buffer_frames.h"
#include "tracker/v8/end_of_run.h"
#include "tracker/v8/full_collection.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "tracker/v8/view_registry.h"

namespace slab_hunter::worker_sessions {
namespace {

struct Live {
  Session* session;
  node::Environment* env;
  bool stop_requested = false;
};

// What an ended Worker held, with the stack tables its entries name (its session is gone).
struct EndedThread {
  int64_t thread_id = 0;
  ThreadState state = ThreadState::kEnded;
  LeakOverview overview;
  FrameTable frames;
  StackTree stacks;
};

// Guards everything below; a Worker takes it only to register and to end, the main thread to
// stop them and read what they left.
std::mutex& Mutex() {
  static auto* mutex = new std::mutex();
  return *mutex;
}
std::condition_variable& LiveChanged() {
  static auto* changed = new std::condition_variable();
  return *changed;
}
std::vector<Live*>& LiveWorkers() {
  static auto* live = new std::vector<Live*>();
  return *live;
}
// Never shrinks: the report points into it.
std::deque<std::unique_ptr<EndedThread>>& EndedWorkers() {
  static auto* ended = new std::deque<std::unique_ptr<EndedThread>>();
  return *ended;
}
bool report_made = false;  // StopAll has run: later ends are not analysed

// What the Worker holds now, after one full collection, cut-offs as the flags say; ages are
// as at its end. Nothing to analyse costs no collection.
std::unique_ptr<EndedThread> Analyse(Session& session) {
  auto ended = std::make_unique<EndedThread>();
  ended->thread_id = session.thread_id();
  Tracker& tracker = session.tracker();
  if (ViewRegistry* views = session.views_if_made()) views->SweepCollectedViews();
  if (tracker.live_store_count() == 0 && tracker.live_view_count() == 0) return ended;
  v8::Isolate* isolate = session.isolate();
  v8::HandleScope scope(isolate);
  CollectAllGarbageOnce(isolate, session);
  session.views().ForgetDetachedViews(isolate);
  ReclaimUnusedStacks(session);
  const HuntSettings& settings = Session::settings();
  ended->overview = Analyze(tracker.TakeSnapshot(),
                            AnalysisOptionsOf(settings.leak_cutoff_ms, settings.big_buffer_cutoff,
                                              session.started_nanos()));
  ended->frames = session.frames();
  ended->stacks = session.stacks();
  return ended;
}

void OnEnvironmentCleanup(void* arg) {
  Live* live = static_cast<Live*>(arg);
  Session* session = live->session;
  bool analyse;
  {
    std::lock_guard<std::mutex> lock(Mutex());
    analyse = !report_made && session->tracking() && Session::settings().track_from_start;
  }
  std::unique_ptr<EndedThread> ended = analyse ? Analyse(*session) : nullptr;
  {
    std::lock_guard<std::mutex> lock(Mutex());
    std::vector<Live*>& workers = LiveWorkers();
    workers.erase(std::remove(workers.begin(), workers.end(), live), workers.end());
    if (ended != nullptr && !report_made) {
      ended->state = live->stop_requested ? ThreadState::kStopped : ThreadState::kEnded;
      EndedWorkers().push_back(std::move(ended));
    }
  }
  LiveChanged().notify_all();
  v8::Isolate* isolate = session->isolate();
  UninstallStackCacheFlush(isolate, *session);
  UninstallBufferFramesFlush(isolate, *session);
  delete session;
  delete live;
}

}  // namespace

Session& Start(node::Environment* env, v8::Isolate* isolate, int64_t thread_id) {
  auto* session = new Session(isolate, thread_id);
  Session::SetCurrent(session);
  auto* live = new Live{session, env};
  {
    std::lock_guard<std::mutex> lock(Mutex());
    LiveWorkers().push_back(live);
  }
  node::AddEnvironmentCleanupHook(isolate, OnEnvironmentCleanup, live);
  return *session;
}

std::vector<int64_t> StopAll(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(Mutex());
  // A Worker's environment lives until its cleanup, which waits for this lock to unregister.
  for (Live* live : LiveWorkers()) {
    if (!live->session->tracking()) continue;
    live->stop_requested = true;
    node::Stop(live->env);
  }
  const auto tracked_running = [] {
    return std::any_of(LiveWorkers().begin(), LiveWorkers().end(),
                       [](const Live* live) { return live->session->tracking(); });
  };
  LiveChanged().wait_for(lock, timeout, [&] { return !tracked_running(); });
  report_made = true;
  std::vector<int64_t> running;
  for (const Live* live : LiveWorkers()) {
    if (live->session->tracking()) running.push_back(live->session->thread_id());
  }
  return running;
}

std::vector<ThreadOverview> Ended() {
  std::lock_guard<std::mutex> lock(Mutex());
  std::vector<ThreadOverview> threads;
  for (const auto& ended : EndedWorkers()) {
    threads.push_back(
        {ended->thread_id, ended->state, &ended->overview, &ended->frames, &ended->stacks});
  }
  std::sort(threads.begin(), threads.end(), [](const ThreadOverview& a, const ThreadOverview& b) {
    return a.thread_id < b.thread_id;
  });
  return threads;
}

}  // namespace slab_hunter::worker_sessions
