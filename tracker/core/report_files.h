// Report files: the format a report's name asks for (--slab-hunter-report may be given once per
// format), the report in that format, and writing it where it goes.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_FILES_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "tracker/core/report_json.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

enum class ReportFormat : uint8_t { kJson, kText, kHtml };

// "-" (stderr) and names ending in ".txt": the text; ".html" and ".htm": the HTML page
// (report_html.h); any other name: the JSON, as every report was before the format followed
// the name.
ReportFormat ReportFormatOf(std::string_view path);

// The report of `threads` in `format`. The text leads with FormatAnswer's lines, then the
// seed's overview (report_text.h).
std::string FormatReport(ReportFormat format, absl::Span<const ThreadOverview> threads,
                         const ReportSettings& settings);

// What a run or a merge says on stderr about `verdict` on `threads` ("" when it has nothing to
// say): the sites over the growth gate, that the gate could not judge, the totals over a leak
// budget followed by the text report. Byte figures are whole, rounded up, so that a total over
// a budget never reads as equal to it.
std::string FormatBudgetVerdict(const BudgetVerdict& verdict,
                                absl::Span<const ThreadOverview> threads,
                                const ReportSettings& settings);

// Writes `text` to `path` ("-" and /dev/stderr: stderr; /dev/stdout: stdout, written through
// the process's own stream, which may be a socket that cannot be opened by name), replacing a
// file's content; another device or a pipe is appended to. Returns, if it could not, the message
// saying so: "--slab-hunter-report: cannot write '<path>': <reason>".
std::optional<std::string> WriteReportFile(const std::string& path, const std::string& text);

// Whether `path` is a regular file or nothing yet: what a report may empty.
bool IsRegularFileOrAbsent(const std::string& path);

// Whether `path` names the process's stdout or stderr ("-" among them): nothing to create.
bool IsStandardStream(const std::string& path);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_FILES_H_
