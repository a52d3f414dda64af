#include "tracker/core/report_html.h"

#include "absl/strings/str_replace.h"

namespace slab_hunter {

// Generated from tracker/core/report_html/ and third_party/chartjs/ (see BUILD).
extern const char kReportHtmlPage[];
extern const char kReportHtmlStyle[];
extern const char kReportHtmlScript[];
extern const char kChartJs[];

std::string EscapeJsonForScript(std::string_view json) {
  // Debian's Abseil has a string_view of its own, not std's.
  return absl::StrReplaceAll(absl::string_view(json.data(), json.size()), {{"<", "\\u003c"}});
}

std::string FormatHtml(std::string_view report_json) {
  // One pass over the page: the inserted texts are not searched for the markers again.
  return absl::StrReplaceAll(kReportHtmlPage,
                             {{"/*@style@*/", kReportHtmlStyle},
                              {"/*@chartjs@*/", kChartJs},
                              {"/*@script@*/", kReportHtmlScript},
                              {"/*@report@*/", EscapeJsonForScript(report_json)}});
}

}  // namespace slab_hunter
