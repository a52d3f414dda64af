#include "tracker/core/report_html.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace slab_hunter
