#include "tracker/v8/signal_watcher.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace slab_hunter {
namespace {

const char* EndingSignalName(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

int EndingSignalIndex(int signal) { return signal == SIGINT ? 0 : 1; }

}  // namespace

SignalWatcher::SignalWatcher(node::Environment* env, Client* client, int report_signal)
    : env_(env), client_(client), report_signal_(report_signal) {
  // Everything is set up before the thread starts, so the handles need no lock. From
  // uv_signal_start on, libuv's handler has the signals: they no longer end the process by
  // themselves, which is this class's job now.
  int error = uv_loop_init(&loop_);
  // Only the first signal handle can fail to initialize (it makes the loop's signal pipe).
  if (error == 0) {
    error = uv_signal_init(&loop_, &ending_handles_[0]);
    if (error != 0) uv_loop_close(&loop_);
  }
  if (error != 0) {
    Fail(error);
    return;
  }
  for (uv_signal_t& handle : ending_handles_) {
    if (&handle != &ending_handles_[0]) uv_signal_init(&loop_, &handle);
    handle.data = this;
  }
  if (report_signal_ != 0) uv_signal_init(&loop_, &report_handle_);
  report_handle_.data = this;
  uv_timer_init(&loop_, &deadline_);
  deadline_.data = this;
  stop_.loop = nullptr;
  error = uv_async_init(&loop_, &stop_, OnStop);
  stop_.data = this;
  for (int i = 0; error == 0 && i < kEndingSignalCount; ++i) {
    error = uv_signal_start(&ending_handles_[i], OnSignal, kEndingSignals[i]);
  }
  if (error == 0 && report_signal_ != 0) {
    error = uv_signal_start(&report_handle_, OnSignal, report_signal_);
  }
  if (error == 0) error = uv_thread_create(&thread_, Run, this);
  if (error != 0) {
    // Closing the handles gives the signals back (libuv restores their default action).
    const bool async_made = stop_.loop == &loop_;
    CloseHandles(async_made);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    Fail(error);
  }
}

void SignalWatcher::Fail(int error) {
  // Signals then keep Node's meaning: they end the program, without the report.
  std::fprintf(stderr, "slab-hunter-node: cannot watch signals: %s\n", uv_strerror(error));
  stopped_ = true;
  accepting_ = false;
}

void SignalWatcher::CloseHandles(bool with_stop) {
  for (uv_signal_t& handle : ending_handles_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&handle), nullptr);
  }
  if (report_signal_ != 0) uv_close(reinterpret_cast<uv_handle_t*>(&report_handle_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&deadline_), nullptr);
  if (with_stop) uv_close(reinterpret_cast<uv_handle_t*>(&stop_), nullptr);
}

void SignalWatcher::Run(void* self) {
  uv_run(&static_cast<SignalWatcher*>(self)->loop_, UV_RUN_DEFAULT);
}

void SignalWatcher::OnSignal(uv_signal_t* handle, int signal) {
  auto* self = static_cast<SignalWatcher*>(handle->data);
  if (signal == self->report_signal_) {
    self->RequestInterrupt(ReportInterrupt);
  } else {
    self->HandleEndingSignal(signal);
  }
}

void SignalWatcher::HandleEndingSignal(int signal) {
  if (ListenerCount(signal) > 0) return;  // The program's own: Node's loop delivers it.
  int none = 0;
  if (!pending_signal_.compare_exchange_strong(none, signal)) {
    // A second signal while the first waits for the main thread: end now, as Node would have
    // at the first.
    if (!client_->EndOfRunDone()) {
      std::fprintf(stderr,
                   "slab-hunter-node: %s: the report was not written (a second signal came "
                   "first)\n",
                   EndingSignalName(signal));
    }
    EndBySignal(signal);
  }
  RequestInterrupt(EndingInterrupt);
  uv_timer_start(&deadline_, OnDeadline, kInterruptDeadlineMs, 0);
}

void SignalWatcher::OnDeadline(uv_timer_t* timer) {
  auto* self = static_cast<SignalWatcher*>(timer->data);
  if (self->interrupt_started_.load()) return;  // The main thread is ending the process.
  const bool done = self->client_->EndOfRunDone();
  if (self->client_->EndOfRunStarted() && !done) {
    // The program's exit is writing the report: let it finish, then end by the signal.
    uv_timer_start(timer, OnDeadline, kInterruptDeadlineMs, 0);
    return;
  }
  const int signal = self->pending_signal_.load();
  if (!done) {
    std::fprintf(stderr,
                 "slab-hunter-node: %s: the report was not written (the program did not return "
                 "to JavaScript within %llu s)\n",
                 EndingSignalName(signal),
                 static_cast<unsigned long long>(kInterruptDeadlineMs / 1000));
  }
  EndBySignal(signal);
}

void SignalWatcher::EndingInterrupt(void* self) {
  auto* watcher = static_cast<SignalWatcher*>(self);
  watcher->interrupt_started_.store(true);
  watcher->client_->OnEndingSignal(watcher->pending_signal_.load());
}

void SignalWatcher::ReportInterrupt(void* self) {
  static_cast<SignalWatcher*>(self)->client_->OnReportSignal();
}

bool SignalWatcher::RequestInterrupt(void (*callback)(void*)) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!accepting_) return false;
  node::RequestInterrupt(env_, callback, this);
  return true;
}

int32_t SignalWatcher::ListenerCount(int signal) const {
  // Written by JS on the main thread; a stale count only matters for a signal sent while the
  // program adds or removes its listener.
  return __atomic_load_n(&listener_counts_[EndingSignalIndex(signal)], __ATOMIC_RELAXED);
}

void SignalWatcher::OnStop(uv_async_t* async) {
  static_cast<SignalWatcher*>(async->data)->CloseHandles(true);
}

int SignalWatcher::Stop() {
  if (!stopped_) {
    stopped_ = true;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      accepting_ = false;
    }
    uv_async_send(&stop_);
    uv_thread_join(&thread_);
    uv_loop_close(&loop_);
  }
  return interrupt_started_.load() ? 0 : pending_signal_.load();
}

void SignalWatcher::EndBySignal(int signal) {
  std::fflush(stdout);
  std::fflush(stderr);
  uv_tty_reset_mode();
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, signal);
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  raise(signal);
  _exit(128 + signal);  // Not reached: the signal's default action ends the process.
}

}  // namespace slab_hunter
