// Reads a JSON report (schema "slab-hunter-report", version 2; report_json.h) back into the
// core's structures, its stacks interned into tables shared by every report read, so that one
// location in several processes' reports is one StackId.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_READER_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/report_json.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

// The frame and stack tables the reports read are interned into. A script is known by its
// name alone here, so the name stands in for the engine's script id.
class SharedStacks {
 public:
  // `frames` innermost first.
  StackId Intern(const std::vector<Frame>& frames);
  const FrameTable& frames() const { return frames_; }
  const StackTree& stacks() const { return stacks_; }

 private:
  FrameTable frames_;
  StackTree stacks_;
  absl::flat_hash_map<std::string, int> script_ids_;
};

// One thread of a report: its state and its entries.
struct ReportThread {
  int64_t thread_id = 0;
  ThreadState state = ThreadState::kRunning;
  LeakOverview overview;
};

// One process's report as read.
struct ProcessReport {
  std::string file;
  ReportSettings settings;  // its pid (unset when the report has none) and budgets included
  // In the report's order. A report's totals are its threads' together: they are carried by
  // the first thread's overview, the others' are 0, so that TotalsOf sums them right.
  std::vector<ReportThread> threads;
  // The "timeline" field's JSON text as it was ("null" when there is none).
  std::string timeline_json = "null";
};

// `threads` as ThreadOverviews over `stacks` (an unanswered thread without an overview).
std::vector<ThreadOverview> ThreadOverviewsOf(absl::Span<const ReportThread> threads,
                                              const SharedStacks& stacks);

// Reads `text` (the contents of `file`, which only names it in errors) into `report`. Returns
// the error, "<file>: <what is wrong>", when `text` is no version 2 report.
std::optional<std::string> ReadReport(std::string_view text, const std::string& file,
                                      SharedStacks& stacks, ProcessReport* report);

// The same for the file at `path`; also an error when it cannot be read.
std::optional<std::string> ReadReportFile(const std::string& path, SharedStacks& stacks,
                                          ProcessReport* report);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_READER_H_
