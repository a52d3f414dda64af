#include "tracker/core/report_json.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/core/testing.h"

namespace slab_hunter {
namespace {

TEST(JsonStringTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(CheckBudgetsTest, OnlyATotalAboveItsBudgetExceeds) {
  LeakOverview overview;
  overview.total_big_buffer_leaks = 1000;
  overview.total_slab_leaks = 500;
  EXPECT_FALSE(CheckBudgets(overview, {}).exceeded());
  EXPECT_FALSE(CheckBudgets(overview, {1000.0, 500.0}).exceeded());
  const BudgetVerdict big = CheckBudgets(overview, {999.0, std::nullopt});
  EXPECT_TRUE(big.big_buffer_leaks_over);
  EXPECT_FALSE(big.slab_leaks_over);
  EXPECT_TRUE(CheckBudgets(overview, {std::nullopt, 0.0}).slab_leaks_over);
}

TEST(FormatJsonTest, SettingsTotalsBudgetsAndEntriesWithFrames) {
  FrameTable frames;
  StackTree stacks;
  Frame user;
  user.function = "load";
  user.script = "/app/a.js";
  user.line = 3;
  user.column = 9;
  Frame top;
  top.script = "file:///app/m.mjs";
  top.line = 1;
  top.column = 2;
  const FrameId user_id = frames.Intern({1, 3, 9}, [&] { return user; });
  const FrameId top_id = frames.Intern({2, 1, 2}, [&] { return top; });
  const StackId stack = stacks.Intern({user_id, top_id});
  const StackId top_stack = stacks.Intern({top_id});

  LeakOverview overview;
  overview.big_buffer_leaks.push_back({{stack, 2}, 200000});
  overview.big_buffer_leaks.back().retainers = {{top_stack, 2, 32}, {kNoStack, 1, 8}};
  overview.big_buffer_leaks.back().unreferenced_bytes = 199960;
  overview.big_buffer_leaks.back().hint = FixHint::kCopyOut;
  overview.slab_leaks.push_back({{stack, 3}, 24000, 12000.5});
  overview.slab_leaks.back().unreferenced_bytes = 11999.25;
  overview.total_big_buffer_leaks = 200000;
  overview.total_slab_leaks = 12000.5;
  overview.total_unreferenced_bytes = 211959.25;
  ReportSettings settings;
  settings.leak_cutoff_ms = 60000;
  settings.big_buffer_cutoff = 4000;
  settings.stack_depth = 10;
  settings.budgets.big_buffer_leaks = 100000;
  settings.pid = 4242;

  const std::string location = "\"at load (/app/a.js:3:9)\\n    at file:///app/m.mjs:1:2\"";
  const std::string frames_json =
      "[{\"function\":\"load\",\"file\":\"/app/a.js\",\"line\":3,\"column\":9},"
      "{\"function\":\"\",\"file\":\"file:///app/m.mjs\",\"line\":1,\"column\":2}]";
  const std::string retainers_json =
      "[{\"location\":\"at file:///app/m.mjs:1:2\",\"nodeInternal\":false,\"frames\":"
      "[{\"function\":\"\",\"file\":\"file:///app/m.mjs\",\"line\":1,\"column\":2}],"
      "\"amount\":2,\"bytes\":32},"
      "{\"location\":\"at <native>\",\"nodeInternal\":false,\"frames\":[],\"amount\":1,\"bytes\":8}]";
  EXPECT_EQ(FormatJson(overview, frames, stacks, settings),
            "{\"schema\":\"slab-hunter-report\",\"version\":2,\"pid\":4242,"
            "\"settings\":{\"leakCutoffMs\":60000,\"bigBufferCutoff\":4000,\"stackDepth\":10,\"sampleIntervalBytes\":null},"
            "\"totals\":{\"bigBufferLeaks\":200000,\"slabLeaks\":12000.5,"
            "\"unreferencedBytes\":211959.25},"
            "\"budgets\":{\"bigBufferLeaks\":100000,\"slabLeaks\":null,"
            "\"growthBytesPerMinute\":null,\"exceeded\":true},"
            "\"threads\":[{\"threadId\":0,\"state\":\"running\"}],"
            "\"bigBufferLeaks\":[{\"location\":" + location + ",\"nodeInternal\":false,\"frames\":" + frames_json +
            ",\"threadId\":0,\"amount\":2,\"totalSize\":200000,\"retainers\":" + retainers_json +
            ",\"unreferencedBytes\":199960,\"hint\":\"copy-out\",\"peakBytes\":null,\"peakAtMs\":null,\"growth\":{\"verdict\":\"unknown\",\"bytesPerMinute\":null}}],"
            "\"slabLeaks\":[{\"location\":" + location + ",\"nodeInternal\":false,\"frames\":" + frames_json +
            ",\"threadId\":0,\"amount\":3,\"totalLeakedBytes\":24000,\"normalisedTotalLeakedBytes\":12000.5,"
            "\"retainers\":[],\"unreferencedBytes\":11999.25,\"hint\":null,\"peakBytes\":null,\"peakAtMs\":null,\"growth\":{\"verdict\":\"unknown\",\"bytesPerMinute\":null}}],"
            "\"peakOnlySites\":[],\"timeline\":null}");
}

TEST(FormatJsonTest, HintNames) {
  LeakOverview overview;
  const FixHint hints[] = {FixHint::kUnslab, FixHint::kAllocUnsafeSlow, FixHint::kCopyOut,
                           FixHint::kNone};
  for (const FixHint hint : hints) {
    overview.slab_leaks.push_back({{kNoStack, 1}, 10, 10});
    overview.slab_leaks.back().hint = hint;
  }
  const std::string json = FormatJson(overview, FrameTable(), StackTree(), ReportSettings());
  const std::string tail = "\"retainers\":[],\"unreferencedBytes\":0,\"hint\":";
  size_t at = 0;
  for (const char* name : {"\"unslab\",", "\"alloc-unsafe-slow\",", "\"copy-out\",", "null,"}) {
    at = json.find(tail + name, at);
    EXPECT_NE(at, std::string::npos) << name << " in " << json;
  }
}

TEST(FormatJsonTest, HeapViewsWhenACheckRan) {
  LeakOverview overview;
  overview.big_buffer_leaks.push_back({});
  overview.big_buffer_leaks.back().heap_views =
      std::vector<HeapView>{{"DataView", "global / dv"}, {"Buffer", "global / \"q\""}};
  overview.slab_leaks.push_back({});
  overview.slab_leaks.back().heap_views.emplace();  // checked, nothing found
  const std::string json = FormatJson(overview, FrameTable(), StackTree(), ReportSettings());
  EXPECT_NE(json.find(",\"heapViews\":[{\"type\":\"DataView\",\"retainerPath\":\"global / dv\"},"
                      "{\"type\":\"Buffer\",\"retainerPath\":\"global / \\\"q\\\"\"}],\"peakBytes\":"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(",\"hint\":null,\"heapViews\":[],\"peakBytes\":"), std::string::npos) << json;
  overview.big_buffer_leaks.back().heap_views.reset();
  overview.slab_leaks.back().heap_views.reset();
  EXPECT_EQ(FormatJson(overview, FrameTable(), StackTree(), ReportSettings()).find("heapViews"),
            std::string::npos);
}

TEST(FormatJsonTest, EmptyOverview) {
  EXPECT_EQ(FormatJson(LeakOverview(), FrameTable(), StackTree(), ReportSettings()),
            "{\"schema\":\"slab-hunter-report\",\"version\":2,\"pid\":null,"
            "\"settings\":{\"leakCutoffMs\":0,\"bigBufferCutoff\":0,\"stackDepth\":0,\"sampleIntervalBytes\":null},"
            "\"totals\":{\"bigBufferLeaks\":0,\"slabLeaks\":0,\"unreferencedBytes\":0},"
            "\"budgets\":{\"bigBufferLeaks\":null,\"slabLeaks\":null,"
            "\"growthBytesPerMinute\":null,\"exceeded\":false},"
            "\"threads\":[{\"threadId\":0,\"state\":\"running\"}],"
            "\"bigBufferLeaks\":[],\"slabLeaks\":[],\"peakOnlySites\":[],\"timeline\":null}");
}

// Buffers a built-in module made while it loaded are marked, so that readers can fold them.
TEST(FormatJsonTest, NodesOwnModuleConstantsAreMarked) {
  slab_hunter::testing::StackBuilder builder;
  const StackId constant = builder.StackOf(
      {slab_hunter::testing::MakeFrame("", "node:_tls_wrap", 122, 5),
       slab_hunter::testing::MakeFrame("compileForInternalLoader", "node:internal/bootstrap/loaders", 334, 18)});
  LeakOverview overview;
  overview.slab_leaks.push_back({{constant, 1}, 8000, 8000});
  const std::string json =
      FormatJson(overview, builder.frames(), builder.stacks(), ReportSettings());
  EXPECT_NE(json.find("\"slabLeaks\":[{\"location\":\"at node:_tls_wrap:122:5\\n    at "
                      "compileForInternalLoader (node:internal/bootstrap/loaders:334:18)\","
                      "\"nodeInternal\":true,"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace slab_hunter
