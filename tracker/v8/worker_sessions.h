// Worker sessions: the Session of each Node 24 Worker thread, ended with its environment, and
// what each one held when it ended, for the main thread's end-of-run report (end_of_run.h).
// On Node 18 no Worker gets a session, and all of this stays empty.
#ifndef SLAB_HUNTER_TRACKER_V8_WORKER_SESSIONS_H_
#define SLAB_HUNTER_TRACKER_V8_WORKER_SESSIONS_H_

#include <chrono>
#include <cstdint>
#include <vector>

#include "node.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

class Session;

namespace worker_sessions {

// Makes the session of the Worker whose environment is `env` (on the Worker's thread, before
// its JS runs) and the thread's Session::Current(). When the environment is freed, a run under
// the flags analyses what the Worker still holds (after a full collection), keeps that for the
// end-of-run report, and the session goes.
Session& Start(node::Environment* env, v8::Isolate* isolate, int64_t thread_id);

// For the end-of-run report, once: stops every Worker still running (as worker.terminate()
// does) and waits until each has ended or `timeout` has passed. Workers that end later are
// not analysed. Returns the ids of those still running, in no particular order.
std::vector<int64_t> StopAll(std::chrono::milliseconds timeout);

// The overviews of the Workers that have ended under the flags (kEnded, or kStopped by
// StopAll), by thread id; they stay valid for the process's life.
std::vector<ThreadOverview> Ended();

}  // namespace worker_sessions
}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_WORKER_SESSIONS_H_
