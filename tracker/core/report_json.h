// The JSON report (schema "slab-hunter-report", version 2; documented in README.md): the
// settings, the totals, the budgets' verdict, the threads covered, and every entry with its
// location both as text and as structured frames, its retainers (located the same way),
// unreferenced bytes, hint and thread; version 2 adds each entry's peak and growth, the sites
// that held memory only earlier, and the main thread's timeline. Version 1's fields keep their
// names and meanings.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_JSON_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/site_history.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

inline constexpr int kReportSchemaVersion = 2;

// Leak budgets: a total over its budget fails the run.
struct Budgets {
  std::optional<double> big_buffer_leaks;  // bytes
  std::optional<double> slab_leaks;        // bytes
  // The growth gate: no site may be growing faster (bytes per minute).
  std::optional<double> growth;
};

struct BudgetVerdict {
  bool big_buffer_leaks_over = false;
  bool slab_leaks_over = false;
  std::vector<GrowingSite> growing;  // the sites over the growth gate
  // A growth gate was set and there were sites, but none had a verdict (too few points): the
  // gate could not judge, which its user must be told.
  bool growth_unjudged = false;
  bool exceeded() const { return big_buffer_leaks_over || slab_leaks_over || !growing.empty(); }
};

// The budgets against the threads' summed totals, the growth gate against every site's growth.
BudgetVerdict CheckBudgets(absl::Span<const ThreadOverview> threads, const Budgets& budgets);
BudgetVerdict CheckBudgets(const LeakOverview& overview, const Budgets& budgets);

struct ReportSettings {
  double leak_cutoff_ms = 0;
  double big_buffer_cutoff = 0;
  int stack_depth = 0;
  Budgets budgets;
  // The process the report is of ("pid"); unset (null) for a report of several processes.
  std::optional<int64_t> pid;
  // The text lists Node's own module constants instead of one line for them (TextOptions).
  bool show_internals = false;
  // The mean sampling interval in bytes ("sampleIntervalBytes"); 0 (null): every store tracked.
  double sample_interval = 0;
  // The sampler's seed ("sampleSeed", a string of digits: it may not fit a double), when sampled.
  std::optional<uint64_t> sample_seed;
};

// After "version" comes the process's "pid". When sampled ("settings"."sampleIntervalBytes"
// not null), every entry and the totals get "interval95": the 95% confidence interval
// [low, high] of each estimated field, by the field's name. Entries checked in the heap also get
// "heapViews": [{"type", "retainerPath"}]. Every entry
// has the "threadId" of its thread, and "threads" lists the threads the report covers, each
// with its state ([{"threadId", "state"}]); this one is the main thread's alone. Every entry
// has "peakBytes", "peakAtMs" (null without a timeline) and "growth": {"verdict",
// "bytesPerMinute"}; "peakOnlySites" lists the sites that held memory only earlier (each with
// its "kind", location, frames, thread, peak and growth), and "timeline" is the first thread's
// (null without one): {"threadId", "ticks", "ticksPerPoint", "maxPoints", "maxSites",
// "droppedSites", "atMs": [...], "totals": {"bigBufferLeaks": [...], "slabLeaks": [...]},
// "sites": [{"kind", "location", "bytes": [...]}]}, every series one value per "atMs".
std::string FormatJson(const LeakOverview& overview, const FrameTable& frames,
                       const StackTree& stacks, const ReportSettings& settings);

// The report of several threads' overviews as one: every thread's entries in one list per
// kind, the totals summed, the budgets checked against the sums.
std::string FormatJson(absl::Span<const ThreadOverview> threads, const ReportSettings& settings);

// `text` as a JSON string literal, quotes included.
std::string JsonString(std::string_view text);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_JSON_H_
