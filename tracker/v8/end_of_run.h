// EndOfRun: what a run under the --slab-hunter* flags does when it ends, however it ends (its
// exit, or SIGINT/SIGTERM it has no listener for): a full GC, the JSON report, the leak budgets
// and their message. Also prints the overview on the report signal and every interval. It runs
// after the program's own 'exit' listeners, from C++ (the process exit handler, or the embedder
// once the event loop is done): a program can neither remove it nor see it among its listeners,
// nor set an exit code over its budget verdict.
#ifndef SLAB_HUNTER_TRACKER_V8_END_OF_RUN_H_
#define SLAB_HUNTER_TRACKER_V8_END_OF_RUN_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/types/span.h"
#include "tracker/core/analysis.h"
#include "tracker/core/report_json.h"
#include "tracker/core/thread_overview.h"
#include "tracker/v8/signal_watcher.h"
#include "tracker/v8/view_registry.h"
#include "v8.h"

namespace slab_hunter {

// The analysis options for cut-offs as the API and the flags give them (milliseconds, bytes).
AnalysisOptions AnalysisOptionsOf(double leak_cutoff_ms, double big_buffer_cutoff,
                                  int64_t created_since_nanos);

class EndOfRun final : public SignalWatcher::Client {
 public:
  // Starts watching the signals of the run in `context` (main thread, once; later calls return
  // the same object). Records created before `since_nanos` are not reported.
  static EndOfRun& Start(v8::Local<v8::Context> context, int64_t since_nanos,
                         ViewRegistry& views);
  // The started one, or null.
  static EndOfRun* Get();

  // The end-of-run work, once (later calls return the first answer): whether the leaks are
  // over budget. Never throws: a report that cannot be written is one line on stderr. Ends the
  // process by a signal that came meanwhile.
  bool Finish();

  // The program's exit status as the run ends with `program_status`: the end-of-run work runs
  // (once), and a program that succeeded but is over budget ends with kBudgetExceededExitCode.
  int ExitStatus(int program_status);

  // The text overview, made after one full collection, on stderr (nothing once the end-of-run
  // work has started).
  void PrintOverview();

  // Per ending signal, how many listeners the program has (see SignalWatcher).
  int32_t* signal_listener_counts() { return watcher_->listener_counts(); }

  // SignalWatcher::Client
  void OnEndingSignal(int signal) override;
  void OnReportSignal() override;
  bool EndOfRunStarted() const override { return state_.load() != kNotStarted; }
  bool EndOfRunDone() const override { return state_.load() == kDone; }

 private:
  enum State { kNotStarted, kRunning, kDone };

  EndOfRun(v8::Local<v8::Context> context, int64_t since_nanos, ViewRegistry& views);
  static void OnEnvironmentCleanup(void* self);

  // One full collection, then the analysis of what is reachable; with `check_heap`, each
  // entry's heap views too.
  LeakOverview AnalyzeReachable(bool check_heap);
  // Each --slab-hunter-report in the format its name asks for.
  void WriteReports(absl::Span<const ThreadOverview> threads, const ReportSettings& report) const;

  v8::Isolate* const isolate_;
  v8::Global<v8::Context> context_;
  const int64_t since_nanos_;
  ViewRegistry& views_;
  std::unique_ptr<SignalWatcher> watcher_;
  std::atomic<State> state_{kNotStarted};
  bool over_budget_ = false;
  bool tearing_down_ = false;  // the Environment is being freed: no more reports
};

// For the embedder, once the event loop is done and the program's 'exit' listeners have run:
// EndOfRun::ExitStatus, or `program_status` itself when the flags started no end of run.
int EndOfRunExitStatus(int program_status);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_END_OF_RUN_H_
