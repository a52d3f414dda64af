// Merging several processes' reports (a test runner's workers, each with its `%p` report) into
// one: entries merged by thread, kind and location, totals summed, each process's timeline kept.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_MERGE_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_MERGE_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "tracker/core/analysis.h"
#include "tracker/core/report_json.h"
#include "tracker/core/report_reader.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

// The processes' reports as one. Threads are numbered by Node in each process (0: the main
// thread), so one thread id stands for that thread of every process: each merged thread's
// entries are those of the processes' threads of its id, one per kind and location. In an
// entry, the amounts, sizes, unreferenced bytes and retainers (by location) are summed;
// peakBytes is the sum of each process's own peak (an upper bound of the simultaneous peak;
// a process without a timeline adds what it holds), peakAtMs that of the largest; its growth
// is that of the process where it grows fastest (so the growth gate fails when a site grows
// too fast in any process); its hint that of the process holding most of it. A site held
// only earlier in one process and now in another is an entry, its peak and growth including
// the earlier one's. Totals are summed. A merged thread other than the main one has the state
// it first has in a process that answered (ended or stopped), else "unanswered".
// The result is by thread id, the totals carried by the first (see ProcessReport); `reports`'
// stacks must all be interned into one SharedStacks.
std::vector<ReportThread> MergeReports(absl::Span<const ProcessReport> reports);

// FormatJson's report of `merged` (its "pid" null, its "timeline" null) with one more field,
// "processes": [{"pid", "file", "threads", "timeline"}], each process's threads and timeline as
// its report had them.
std::string FormatMergedJson(absl::Span<const ReportThread> merged, const SharedStacks& stacks,
                             absl::Span<const ProcessReport> reports,
                             const ReportSettings& settings);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_MERGE_H_
