// The HTML report: one self-contained page (Chart.js, the page's style and script and the JSON
// report all inline, nothing fetched) that charts and tabulates a JSON report from FormatJson.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_HTML_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_HTML_H_

#include <string>
#include <string_view>

namespace slab_hunter {

// The page for `report_json` (schema "slab-hunter-report"), which it embeds as data: every '<'
// becomes \u003c, so no location can end the data block or open a comment in it.
std::string FormatHtml(std::string_view report_json);

// `json` made safe to put inside <script type="application/json">: '<' written as \u003c
// (equal to '<' inside a JSON string, and JSON has no '<' outside strings).
std::string EscapeJsonForScript(std::string_view json);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_HTML_H_
