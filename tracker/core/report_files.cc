#include "tracker/core/report_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tracker/core/report_html.h"
#include "tracker/core/report_text.h"

namespace slab_hunter {

ReportFormat ReportFormatOf(std::string_view path) {
  // Debian's Abseil has its own string_view type.
  const absl::string_view name(path.data(), path.size());
  if (name == "-" || absl::EndsWith(name, ".txt")) return ReportFormat::kText;
  if (absl::EndsWith(name, ".html") || absl::EndsWith(name, ".htm")) return ReportFormat::kHtml;
  return ReportFormat::kJson;
}

std::string FormatReport(ReportFormat format, absl::Span<const ThreadOverview> threads,
                         const ReportSettings& settings) {
  switch (format) {
    case ReportFormat::kText: {
      TextOptions options;
      options.show_internals = settings.show_internals;
      return FormatAnswer(threads, options) + "\n" + FormatOverview(threads, options) + "\n";
    }
    case ReportFormat::kHtml:
      return FormatHtml(FormatJson(threads, settings));
    case ReportFormat::kJson:
      break;
  }
  return FormatJson(threads, settings) + "\n";
}

bool IsRegularFileOrAbsent(const std::string& path) {
  struct stat status;
  return stat(path.c_str(), &status) != 0 || S_ISREG(status.st_mode);
}

namespace {

// Totals can hold fractions of a byte (a slab's bytes are shared among its views); budgets are
// whole bytes.
unsigned long long WholeBytes(double bytes) {
  return static_cast<unsigned long long>(std::ceil(bytes));
}

std::string BudgetText(const std::optional<double>& bytes) {
  return bytes ? absl::StrCat(WholeBytes(*bytes), " bytes") : "none";
}

FILE* StandardStreamOf(const std::string& path) {
  if (path == "-" || path == "/dev/stderr") return stderr;
  if (path == "/dev/stdout") return stdout;
  return nullptr;
}

}  // namespace

bool IsStandardStream(const std::string& path) { return StandardStreamOf(path) != nullptr; }

namespace {

// WriteReportFile's work: the reason it failed, if it did.
std::optional<std::string> WriteText(const std::string& path, const std::string& text) {
  FILE* const stream = StandardStreamOf(path);
  FILE* file =
      stream != nullptr ? stream : std::fopen(path.c_str(), IsRegularFileOrAbsent(path) ? "w" : "a");
  if (file == nullptr) return std::strerror(errno);
  // Every step is checked: some devices (/dev/full) fail only when the data is flushed.
  int error = 0;
  if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) error = errno;
  if (std::fflush(file) != 0 && error == 0) error = errno;
  if (stream == nullptr && std::fclose(file) != 0 && error == 0) error = errno;
  if (error != 0) return std::strerror(error);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> WriteReportFile(const std::string& path, const std::string& text) {
  const auto reason = WriteText(path, text);
  if (!reason) return std::nullopt;
  return "--slab-hunter-report: cannot write '" + path + "': " + *reason;
}

std::string FormatBudgetVerdict(const BudgetVerdict& verdict,
                                absl::Span<const ThreadOverview> threads,
                                const ReportSettings& settings) {
  const Budgets& budgets = settings.budgets;
  std::string out;
  // Sampled, the totals and the growth rates are estimates: the budgets compare those.
  const bool sampled = TotalsOf(threads).sampled;
  const char* const estimated = sampled ? "estimated from a sample: " : "";
  if (!verdict.growing.empty()) {
    absl::StrAppend(&out, "slab-hunter-node: growth budget exceeded (",
                    WholeBytes(budgets.growth.value_or(0)), " bytes per minute): growing sites",
                    sampled ? ", estimated from a sample" : "", ":\n",
                    FormatGrowingSites(verdict.growing));
  }
  if (verdict.growth_unjudged) {
    out +=
        "slab-hunter-node: growth budget not checked: no site has a growth verdict (a verdict "
        "needs 8 points of the timeline: run longer, or set a shorter --slab-hunter-timeline)\n";
  }
  if (verdict.big_buffer_leaks_over || verdict.slab_leaks_over) {
    const LeakOverview totals = TotalsOf(threads);
    absl::StrAppend(&out, "slab-hunter-node: leak budget exceeded (", estimated,
                    "big-buffer leaks ", WholeBytes(totals.total_big_buffer_leaks),
                    " bytes, budget ", BudgetText(budgets.big_buffer_leaks), "; slab leaks ",
                    WholeBytes(totals.total_slab_leaks), " bytes, budget ",
                    BudgetText(budgets.slab_leaks), ")\n",
                    FormatReport(ReportFormat::kText, threads, settings), "\n");
  }
  return out;
}

}  // namespace slab_hunter
