#include "tracker/core/report_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
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

FILE* StandardStreamOf(const std::string& path) {
  if (path == "-" || path == "/dev/stderr") return stderr;
  if (path == "/dev/stdout") return stdout;
  return nullptr;
}

}  // namespace

bool IsStandardStream(const std::string& path) { return StandardStreamOf(path) != nullptr; }

std::optional<std::string> WriteReportFile(const std::string& path, const std::string& text) {
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

}  // namespace slab_hunter
