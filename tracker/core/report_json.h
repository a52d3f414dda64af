// The JSON report (schema "slab-hunter-report", version 1; documented in README.md): the
// settings, the totals, the budgets' verdict, the threads covered, and every entry with its
// location both as text and as structured frames, its retainers (located the same way),
// unreferenced bytes, hint and thread.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_JSON_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

inline constexpr int kReportSchemaVersion = 1;

// Leak budgets: a total over its budget fails the run.
struct Budgets {
  std::optional<double> big_buffer_leaks;  // bytes
  std::optional<double> slab_leaks;        // bytes
};

struct BudgetVerdict {
  bool big_buffer_leaks_over = false;
  bool slab_leaks_over = false;
  bool exceeded() const { return big_buffer_leaks_over || slab_leaks_over; }
};

BudgetVerdict CheckBudgets(const LeakOverview& overview, const Budgets& budgets);

struct ReportSettings {
  double leak_cutoff_ms = 0;
  double big_buffer_cutoff = 0;
  int stack_depth = 0;
  Budgets budgets;
};

// Entries checked in the heap also get "heapViews": [{"type", "retainerPath"}]. Every entry
// has the "threadId" of its thread, and "threads" lists the threads the report covers, each
// with its state ([{"threadId", "state"}]); this one is the main thread's alone.
std::string FormatJson(const LeakOverview& overview, const FrameTable& frames,
                       const StackTree& stacks, const ReportSettings& settings);

// The report of several threads' overviews as one: every thread's entries in one list per
// kind, the totals summed, the budgets checked against the sums.
std::string FormatJson(absl::Span<const ThreadOverview> threads, const ReportSettings& settings);

// `text` as a JSON string literal, quotes included.
std::string JsonString(std::string_view text);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_JSON_H_
