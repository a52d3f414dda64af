#include "tracker/v8/end_of_run.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "node.h"
#include "tracker/core/report_files.h"
#include "tracker/core/report_json.h"
#include "tracker/core/report_text.h"
#include "tracker/core/site_history.h"
#include "tracker/v8/full_collection.h"
#include "tracker/v8/heap_check.h"
#include "tracker/v8/session.h"
#include "tracker/v8/stack_capture.h"
#include "tracker/v8/worker_sessions.h"

namespace slab_hunter {
namespace {

int64_t ToNanos(double millis) {
  if (!(millis < 9.2e12)) return INT64_MAX;  // Infinity and huge cut-offs never expire.
  return static_cast<int64_t>(millis * 1e6);
}

std::optional<double> Budget(double bytes) {
  return bytes < 0 ? std::nullopt : std::optional<double>(bytes);
}

EndOfRun* the_end_of_run = nullptr;

// How long the end of run waits for the Workers it stops to analyse what they hold: each runs
// a full collection of its own heap.
constexpr std::chrono::milliseconds kWorkerStopTimeout{5000};

// The main thread's overview first, then the Workers' by thread id.
std::vector<ThreadOverview> WithWorkers(const LeakOverview& main_overview, Session& main,
                                        std::vector<ThreadOverview> workers) {
  std::vector<ThreadOverview> threads = {
      {main.thread_id(), ThreadState::kRunning, &main_overview, &main.frames(), &main.stacks()}};
  threads.insert(threads.end(), workers.begin(), workers.end());
  return threads;
}

// What the flags ask of the reports.
ReportSettings ReportSettingsOf(const HuntSettings& settings) {
  ReportSettings report;
  report.leak_cutoff_ms = settings.leak_cutoff_ms;
  report.big_buffer_cutoff = settings.big_buffer_cutoff;
  report.stack_depth = settings.stack_depth;
  report.pid = getpid();
  report.budgets.big_buffer_leaks = Budget(settings.fail_on_big);
  report.budgets.slab_leaks = Budget(settings.fail_on_slab);
  report.budgets.growth = Budget(settings.fail_on_growth);
  report.show_internals = settings.show_internals;
  report.sample_interval = settings.sample_interval;
  if (settings.sample_interval > 0) report.sample_seed = ProcessSampleSeed(settings);
  return report;
}

}  // namespace

AnalysisOptions AnalysisOptionsOf(double leak_cutoff_ms, double big_buffer_cutoff,
                                  int64_t created_since_nanos) {
  AnalysisOptions options;
  options.leak_cutoff_nanos = ToNanos(leak_cutoff_ms);
  // A NaN cut-off, like a huge one, makes no buffer big (the seed's `size >= NaN` is false).
  options.big_buffer_cutoff = !(big_buffer_cutoff < 1.8e19)
                                  ? SIZE_MAX
                                  : static_cast<size_t>(std::ceil(big_buffer_cutoff));
  options.created_since_nanos = created_since_nanos;
  options.sample_interval = Session::settings().sample_interval;
  if (options.sample_interval > 0) options.sample_seed = ProcessSampleSeed(Session::settings());
  return options;
}

EndOfRun& EndOfRun::Start(v8::Local<v8::Context> context, int64_t since_nanos,
                          ViewRegistry& views) {
  // Never freed: interrupts and the watcher may refer to it until the process ends.
  if (the_end_of_run == nullptr) the_end_of_run = new EndOfRun(context, since_nanos, views);
  return *the_end_of_run;
}

EndOfRun* EndOfRun::Get() { return the_end_of_run; }

EndOfRun::EndOfRun(v8::Local<v8::Context> context, int64_t since_nanos, ViewRegistry& views)
    : isolate_(context->GetIsolate()),
      context_(isolate_, context),
      since_nanos_(since_nanos),
      views_(views) {
  node::Environment* env = node::GetCurrentEnvironment(context);
  watcher_ = std::make_unique<SignalWatcher>(env, this, Session::settings().report_signal);
  node::AddEnvironmentCleanupHook(isolate_, OnEnvironmentCleanup, this);
  // process.exit() and fatal exceptions end here, after the 'exit' listeners; a run whose event
  // loop runs dry ends in the embedder (EndOfRunExitStatus).
  node::SetProcessExitHandler(env, [this](node::Environment* env, int status) {
    node::DefaultProcessExitHandler(env, ExitStatus(status));
  });
}

int EndOfRun::ExitStatus(int program_status) {
  const bool over_budget = Finish();
  return program_status == 0 && over_budget ? kBudgetExceededExitCode : program_status;
}

int EndOfRunExitStatus(int program_status) {
  EndOfRun* end = EndOfRun::Get();
  return end == nullptr ? program_status : end->ExitStatus(program_status);
}

void EndOfRun::OnEnvironmentCleanup(void* self) {
  // A run that ended without passing through ExitStatus (its start failed).
  auto* end = static_cast<EndOfRun*>(self);
  end->tearing_down_ = true;
  if (const int signal = end->watcher_->Stop()) SignalWatcher::EndBySignal(signal);
}

LeakOverview EndOfRun::AnalyzeReachable(bool check_heap) {
  const HuntSettings& settings = Session::settings();
  CollectAllGarbageOnce(isolate_, Session::Main());
  views_.ForgetDetachedViews(isolate_);
  ReclaimUnusedStacks(Session::Main());
  const Snapshot snapshot = Session::Main().tracker().TakeSnapshot();
  AnalysisOptions options =
      AnalysisOptionsOf(settings.leak_cutoff_ms, settings.big_buffer_cutoff, since_nanos_);
  {
    v8::HandleScope scope(isolate_);
    FillNodesOwn(context_.Get(isolate_), Session::Main(), &options);
  }
  LeakOverview overview = Analyze(snapshot, options);
  // The end of run keeps an ending signal until its report is written: the heap check, which
  // can take minutes on a big heap, is given up for it instead.
  if (check_heap &&
      !CheckHeap(isolate_, views_, snapshot, overview,
                 [this] { return watcher_->PendingEndingSignal() != 0; })) {
    std::fprintf(stderr,
                 "slab-hunter-node: the heap check was given up for a signal that ends the "
                 "program: the report has no heapViews\n");
  }
  Session& session = Session::Main();
  if (Timeline* timeline = session.timeline()) {
    // The point of the report's own moment, after its collection: exact, so the peaks are
    // never below what the report counts.
    session.TickTimeline(options, /*after_full_collection=*/true);
    AddSiteHistory(*timeline, snapshot.taken_nanos, overview);
  }
  return overview;
}

bool EndOfRun::Finish() {
  State not_started = kNotStarted;
  if (!state_.compare_exchange_strong(not_started, kRunning)) return over_budget_;
  Session& session = Session::Main();
  const HuntSettings& settings = session.settings();
  // What every Worker still running holds is taken as it is stopped.
  std::vector<ThreadOverview> workers;
  for (const int64_t thread_id : worker_sessions::StopAll(kWorkerStopTimeout)) {
    std::fprintf(stderr,
                 "slab-hunter-node: Worker thread %lld did not stop within %lld ms: its Buffers "
                 "are not in the report\n",
                 static_cast<long long>(thread_id),
                 static_cast<long long>(kWorkerStopTimeout.count()));
    workers.push_back({thread_id, ThreadState::kUnanswered});
  }
  for (const ThreadOverview& ended : worker_sessions::Ended()) workers.push_back(ended);
  if (settings.verify_stack_cache) {
    // Every thread's captures, Workers' included (stopped above, so theirs are in); the stack
    // tables are the main thread's.
    Session::CaptureStats stats = Session::EndedWorkersCaptureStats();
    stats += session.capture_stats();
    std::fprintf(stderr,
                 "slab-hunter-node: stack cache: %llu hits, %llu full captures, %llu hits "
                 "verified, %llu mismatches; stack tables: %zu stacks, %zu frames, %llu "
                 "reclaims; frame walks: %llu hits\n",
                 static_cast<unsigned long long>(stats.sampled_hits),
                 static_cast<unsigned long long>(stats.full_captures),
                 static_cast<unsigned long long>(stats.verified),
                 static_cast<unsigned long long>(stats.mismatches), session.stacks().size(),
                 session.frames().size(), static_cast<unsigned long long>(stats.reclaims),
                 static_cast<unsigned long long>(stats.walk_hits));
  }
  std::sort(workers.begin(), workers.end(), [](const ThreadOverview& a, const ThreadOverview& b) {
    return a.thread_id < b.thread_id;
  });
  v8::HandleScope handle_scope(isolate_);
  v8::Context::Scope context_scope(context_.Get(isolate_));
  const LeakOverview overview =
      AnalyzeReachable(settings.verify_heap && !settings.report_paths.empty());
  const std::vector<ThreadOverview> threads = WithWorkers(overview, session, std::move(workers));

  const ReportSettings report = ReportSettingsOf(settings);
  WriteReports(threads, report);
  const BudgetVerdict verdict = CheckBudgets(threads, report.budgets);
  over_budget_ = verdict.exceeded();
  std::fputs(FormatBudgetVerdict(verdict, threads, report).c_str(), stderr);
  state_.store(kDone);
  // A signal that came while the report was written ends the program now, as it would have.
  if (const int signal = watcher_->Stop()) SignalWatcher::EndBySignal(signal);
  return over_budget_;
}

void EndOfRun::WriteReports(absl::Span<const ThreadOverview> threads,
                            const ReportSettings& report) const {
  for (const std::string& path : Session::settings().report_paths) {
    const std::string text = FormatReport(ReportFormatOf(path), threads, report);
    if (const auto error = WriteReportFile(path, text)) {
      std::fprintf(stderr, "slab-hunter-node: %s\n", error->c_str());
    }
  }
}

void EndOfRun::PrintOverview() {
  if (state_.load() != kNotStarted || tearing_down_) return;
  v8::HandleScope handle_scope(isolate_);
  v8::Context::Scope context_scope(context_.Get(isolate_));
  // The Workers that have ended so far; those still running are in the end-of-run report.
  const LeakOverview overview = AnalyzeReachable(false);
  std::fprintf(stderr, "%s",
               FormatReport(ReportFormat::kText,
                            WithWorkers(overview, Session::Main(), worker_sessions::Ended()),
                            ReportSettingsOf(Session::settings()))
                   .c_str());
}

void EndOfRun::OnEndingSignal(int signal) {
  if (!tearing_down_) Finish();
  SignalWatcher::EndBySignal(signal);
}

void EndOfRun::OnReportSignal() { PrintOverview(); }

}  // namespace slab_hunter
