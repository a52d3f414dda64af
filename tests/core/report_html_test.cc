#include "tracker/core/report_html.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/report_files.h"
#include "tracker/core/report_json.h"

namespace slab_hunter {
namespace {

size_t Count(std::string_view text, std::string_view what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// The data block's text, between its opening tag and the first "</script" after it.
std::string_view DataBlock(std::string_view page) {
  constexpr std::string_view kOpen = R"(<script type="application/json" id="report-data">)";
  const size_t start = page.find(kOpen);
  if (start == std::string_view::npos) return {};
  const size_t from = start + kOpen.size();
  return page.substr(from, page.find("</script", from) - from);
}

TEST(EscapeJsonForScriptTest, WritesEveryLessThanAsAUnicodeEscape) {
  EXPECT_EQ(EscapeJsonForScript(R"json({"location":"at </script><!-- a.js:1:2"})json"),
            R"json({"location":"at \u003c/script>\u003c!-- a.js:1:2"})json");
  EXPECT_EQ(EscapeJsonForScript(R"json({"a":[1,2],"b":"x>y & z"})json"), R"json({"a":[1,2],"b":"x>y & z"})json");
}

TEST(FormatHtmlTest, HoldsTheReportAsDataThatNoLocationCanEnd) {
  const std::string json =
      R"json({"schema":"slab-hunter-report","version":2,"bigBufferLeaks":[{"location":"at f (/app/</script><!--x.js:3:1)"}]})json";
  const std::string page = FormatHtml(json);
  // The whole report, escaped, up to the block's own end tag: nothing in it closed the block.
  EXPECT_EQ(DataBlock(page),
            R"json({"schema":"slab-hunter-report","version":2,"bigBufferLeaks":[{"location":"at f (/app/\u003c/script>\u003c!--x.js:3:1)"}]})json");
  // The data block, Chart.js and the page's script: three scripts, three end tags.
  EXPECT_EQ(Count(page, "<script"), 3u);
  EXPECT_EQ(Count(page, "</script"), 3u);
  EXPECT_EQ(Count(page, "<!--"), 1u);  // the page's own comment, before <html>
}

TEST(FormatHtmlTest, InlinesChartJsTheStyleAndTheScriptAndFetchesNothing) {
  const std::string page = FormatHtml(R"json({"schema":"slab-hunter-report","version":2})json");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("Chart.js v4.6.1"), std::string::npos);
  EXPECT_NE(page.find("function buildModel(report)"), std::string::npos);
  EXPECT_NE(page.find(".verdict-growing"), std::string::npos);
  EXPECT_EQ(page.find("/*@"), std::string::npos) << "a marker was left in the page";
  EXPECT_EQ(page.find("sourceMappingURL"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  EXPECT_GT(page.size(), 200000u);  // Chart.js alone is ~210 kB
}

TEST(ReportFilesHtmlTest, AnHtmlNameGetsThePageOfTheJsonReport) {
  EXPECT_EQ(ReportFormatOf("/app/leaks.html"), ReportFormat::kHtml);
  EXPECT_EQ(ReportFormatOf("/app/leaks-%p.htm"), ReportFormat::kHtml);
  EXPECT_EQ(ReportFormatOf("/app/leaks.html.json"), ReportFormat::kJson);

  testing::StackBuilder builder;
  LeakOverview overview;
  const StackId keep = builder.StackOf({testing::MakeFrame("keep", "/app/<keep>.js", 7, 3)});
  overview.slab_leaks.push_back({{keep, 2}, 16000, 8000});
  overview.total_slab_leaks = 8000;
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, &builder.frames(), &builder.stacks()};
  const auto threads = absl::MakeConstSpan(&thread, 1);
  const std::string page = FormatReport(ReportFormat::kHtml, threads, ReportSettings());
  EXPECT_EQ(DataBlock(page), EscapeJsonForScript(FormatJson(threads, ReportSettings())));
  EXPECT_NE(DataBlock(page).find(R"json("location":"at keep (/app/\u003ckeep>.js:7:3)")json"), std::string::npos)
      << DataBlock(page);
}

}  // namespace
}  // namespace slab_hunter
