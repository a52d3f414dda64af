#include "tracker/embedder/merge_reports.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "tracker/core/report_files.h"
#include "tracker/core/report_html.h"
#include "tracker/core/report_json.h"
#include "tracker/core/report_merge.h"
#include "tracker/core/report_reader.h"
#include "tracker/embedder/command_line.h"
#include "tracker/v8/settings.h"

namespace slab_hunter {
namespace {

constexpr int kInvalidReportExitCode = 1;

std::optional<double> Budget(double bytes) {
  return bytes < 0 ? std::nullopt : std::optional<double>(bytes);
}

// A process's report given twice (its file named twice, or copied) would count it twice.
std::optional<std::string> SameProcessTwice(const std::vector<ProcessReport>& reports) {
  absl::flat_hash_map<int64_t, const ProcessReport*> by_pid;
  for (const ProcessReport& report : reports) {
    if (!report.settings.pid) continue;
    const auto [it, added] = by_pid.try_emplace(*report.settings.pid, &report);
    if (!added) {
      return absl::StrCat(it->second->file, " and ", report.file, " are both process ",
                          *report.settings.pid, "'s report");
    }
  }
  return std::nullopt;
}

// Processes sampled from one seed (a seed in SLAB_HUNTER_OPTIONS, which children inherit) that
// ran the same code sampled the same stores: their estimates are not independent, and the
// merged intervals, which add them as if they were, are too narrow.
std::optional<std::string> SameSampleSeed(const std::vector<ProcessReport>& reports) {
  absl::flat_hash_map<uint64_t, const ProcessReport*> by_seed;
  for (const ProcessReport& report : reports) {
    if (report.settings.sample_interval <= 0 || !report.settings.sample_seed) continue;
    const auto [it, added] = by_seed.try_emplace(*report.settings.sample_seed, &report);
    if (!added) {
      return absl::StrCat(it->second->file, " and ", report.file, " were sampled from the same seed (",
                          *report.settings.sample_seed,
                          "): their samples are not independent, and the merged 95% intervals are "
                          "too narrow; give each process its own seed, or none");
    }
  }
  return std::nullopt;
}

bool SameSettings(const ReportSettings& a, const ReportSettings& b) {
  return a.leak_cutoff_ms == b.leak_cutoff_ms && a.big_buffer_cutoff == b.big_buffer_cutoff &&
         a.stack_depth == b.stack_depth;
}

// The text overview's heading: which processes it covers.
std::string ProcessList(const std::vector<ProcessReport>& reports) {
  std::string out = absl::StrCat("Merged reports of ", reports.size(), " processes:\n");
  for (const ProcessReport& report : reports) {
    absl::StrAppend(&out, "  ", report.file, " (pid ",
                    report.settings.pid ? absl::StrCat(*report.settings.pid) : "unknown", ")\n");
  }
  return out;
}

}  // namespace

int RunMerge(const std::vector<std::string>& argv) {
  MergeCommandLine command;
  if (auto error = ReadMergeCommandLine(argv, &command)) {
    std::fprintf(stderr, "slab-hunter-node: %s\n", error->c_str());
    return kInvalidArgumentExitCode;
  }
  SharedStacks stacks;
  std::vector<ProcessReport> reports(command.reports.size());
  for (size_t i = 0; i < reports.size(); ++i) {
    if (auto error = ReadReportFile(command.reports[i], stacks, &reports[i])) {
      std::fprintf(stderr, "slab-hunter-node: %s: %s\n", std::string(kMergeFlag).c_str(),
                   error->c_str());
      return kInvalidReportExitCode;
    }
  }
  if (auto error = SameProcessTwice(reports)) {
    std::fprintf(stderr, "slab-hunter-node: %s: %s\n", std::string(kMergeFlag).c_str(),
                 error->c_str());
    return kInvalidReportExitCode;
  }
  for (const ProcessReport& report : reports) {
    if (!SameSettings(report.settings, reports[0].settings)) {
      std::fprintf(stderr,
                   "slab-hunter-node: %s: %s and %s were made with different settings (leak "
                   "cut-off, big-buffer cut-off or stack depth): the merged report gives the "
                   "first's\n",
                   std::string(kMergeFlag).c_str(), reports[0].file.c_str(), report.file.c_str());
      break;
    }
  }

  if (auto warning = SameSampleSeed(reports)) {
    std::fprintf(stderr, "slab-hunter-node: %s: %s\n", std::string(kMergeFlag).c_str(),
                 warning->c_str());
  }

  const std::vector<ReportThread> merged = MergeReports(reports);
  const std::vector<ThreadOverview> threads = ThreadOverviewsOf(merged, stacks);
  ReportSettings settings = reports[0].settings;
  // Sampled if any process was: at the largest interval, and the seed if they all had one.
  const LeakOverview sampling = TotalsOf(threads);
  settings.sample_interval = sampling.sample_interval;
  settings.sample_seed = sampling.sample_seed;
  settings.budgets.big_buffer_leaks = Budget(command.settings.fail_on_big);
  settings.budgets.slab_leaks = Budget(command.settings.fail_on_slab);
  settings.budgets.growth = Budget(command.settings.fail_on_growth);
  settings.show_internals = command.settings.show_internals;
  const std::string merged_json = FormatMergedJson(merged, stacks, reports, settings);
  // The text (with no report asked for, on stdout) says first which processes it covers.
  auto report_in = [&](ReportFormat format) {
    switch (format) {
      case ReportFormat::kJson: return merged_json + "\n";
      case ReportFormat::kHtml: return FormatHtml(merged_json);
      case ReportFormat::kText: break;
    }
    return ProcessList(reports) + "\n" + FormatReport(format, threads, settings);
  };
  if (command.settings.report_paths.empty()) {
    std::fputs(report_in(ReportFormat::kText).c_str(), stdout);
  }
  for (const std::string& path : command.settings.report_paths) {
    if (auto error = WriteReportFile(path, report_in(ReportFormatOf(path)))) {
      std::fprintf(stderr, "slab-hunter-node: %s\n", error->c_str());
      return kInvalidReportExitCode;
    }
  }
  const BudgetVerdict verdict = CheckBudgets(threads, settings.budgets);
  std::fputs(FormatBudgetVerdict(verdict, threads, settings).c_str(), stderr);
  return verdict.exceeded() ? kBudgetExceededExitCode : 0;
}

}  // namespace slab_hunter
