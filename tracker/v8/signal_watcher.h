// SignalWatcher: a thread with its own event loop that sees SIGINT, SIGTERM and the report
// signal even while the main thread runs synchronous JS (where process.on listeners never run),
// and hands them to the main thread as interrupts. A signal that ends a program in Node still
// ends it: if the main thread does not take the interrupt in time, the watcher ends the process.
#ifndef SLAB_HUNTER_TRACKER_V8_SIGNAL_WATCHER_H_
#define SLAB_HUNTER_TRACKER_V8_SIGNAL_WATCHER_H_

#include <atomic>
#include <csignal>
#include <cstdint>
#include <mutex>

#include "node.h"
#include "uv.h"

namespace slab_hunter {

class SignalWatcher {
 public:
  // What the signals do; called on the main thread, inside an interrupt (no JS may run).
  class Client {
   public:
    // Must end the process by `signal` (EndBySignal), after its end-of-run work.
    virtual void OnEndingSignal(int signal) = 0;
    virtual void OnReportSignal() = 0;
    // Thread-safe: whether the end-of-run work has started / is done.
    virtual bool EndOfRunStarted() const = 0;
    virtual bool EndOfRunDone() const = 0;

   protected:
    ~Client() = default;
  };

  // How long the main thread gets to take an ending signal's interrupt before the watcher ends
  // the process itself (it is blocked outside JS: a read, a lock, a native call).
  static constexpr uint64_t kInterruptDeadlineMs = 2000;

  // The signals that end a program in Node unless it listens for them.
  static constexpr int kEndingSignals[] = {SIGINT, SIGTERM};
  static constexpr int kEndingSignalCount = 2;

  // Starts the thread. `report_signal` 0: none. `client` must outlive the process. If the
  // thread cannot start, says so on stderr and leaves the signals to Node.
  SignalWatcher(node::Environment* env, Client* client, int report_signal);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // How many listeners the program has for each of kEndingSignals, kept up to date by the JS
  // side (through an Int32Array on this memory). A signal the program listens for is its own.
  int32_t* listener_counts() { return listener_counts_; }

  // Stops and joins the thread (idempotent; main thread). After it, no interrupt is requested;
  // returns the ending signal still waiting for its interrupt, or 0.
  int Stop();

  // The ending signal that came and waits to be acted on, or 0 (any thread).
  int PendingEndingSignal() const { return pending_signal_.load(); }

  // Ends the process by `signal` as if nothing had caught it (any thread; does not return).
  [[noreturn]] static void EndBySignal(int signal);

 private:
  static void Run(void* self);
  static void OnSignal(uv_signal_t* handle, int signal);
  static void OnDeadline(uv_timer_t* timer);
  static void OnStop(uv_async_t* async);
  static void EndingInterrupt(void* self);
  static void ReportInterrupt(void* self);

  void Fail(int error);
  void CloseHandles(bool with_stop);
  void HandleEndingSignal(int signal);
  // Asks the main thread to run `callback`; false once stopped (the Environment may be gone).
  bool RequestInterrupt(void (*callback)(void*));
  int32_t ListenerCount(int signal) const;

  node::Environment* const env_;
  Client* const client_;
  const int report_signal_;
  int32_t listener_counts_[kEndingSignalCount] = {0, 0};

  uv_loop_t loop_;
  uv_thread_t thread_;
  uv_signal_t ending_handles_[kEndingSignalCount];
  uv_signal_t report_handle_;
  uv_timer_t deadline_;
  uv_async_t stop_;

  std::mutex mutex_;
  bool accepting_ = true;  // guarded by mutex_
  bool stopped_ = false;   // main thread only
  std::atomic<int> pending_signal_{0};
  std::atomic<bool> interrupt_started_{false};
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_SIGNAL_WATCHER_H_
