// The text report's lead (FormatAnswer), the folding of Node's own module constants, and the
// format a report's name asks for.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/node_internals.h"
#include "tracker/core/report_files.h"
#include "tracker/core/report_text.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::MakeFrame;
using ::slab_hunter::testing::StackBuilder;

class AnswerTest : public ::testing::Test {
 protected:
  // node:_http_server's top-level code, run by the built-in loader for require('http').
  StackId NodeConstant(int line) {
    return builder_.StackOf({MakeFrame("", "node:_http_server", line, 9),
                             MakeFrame("compileForInternalLoader", "node:internal/bootstrap/realm",
                                       390, 18),
                             MakeFrame("requireBuiltin", "node:internal/bootstrap/realm", 421, 10),
                             MakeFrame("", "node:http", 45, 9)});
  }
  ThreadOverview Main(const LeakOverview& overview) const {
    return {0, ThreadState::kRunning, &overview, &builder_.frames(), &builder_.stacks()};
  }

  StackBuilder builder_;
};

TEST_F(AnswerTest, NodeInternalSitesAreBuiltinModulesLoading) {
  EXPECT_TRUE(IsNodeInternalSite(builder_.frames(), builder_.stacks(), NodeConstant(835)));
  // A user's module constant: its own frame is not Node's, though Node's loader is below it.
  const StackId user = builder_.StackOf(
      {MakeFrame("", "/app/constants.js", 2, 14),
       MakeFrame("Module._compile", "node:internal/modules/cjs/loader", 1256, 14)});
  EXPECT_FALSE(IsNodeInternalSite(builder_.frames(), builder_.stacks(), user));
  // Node's own code at run time (a socket read), not a module loading: not folded.
  const StackId read = builder_.StackOf(
      {MakeFrame("onStreamRead", "node:internal/stream_base_commons", 190, 23)});
  EXPECT_FALSE(IsNodeInternalSite(builder_.frames(), builder_.stacks(), read));
  EXPECT_FALSE(IsNodeInternalSite(builder_.frames(), builder_.stacks(), kNoStack));
}

TEST_F(AnswerTest, NodeInternalsAreOneLineUnlessShown) {
  LeakOverview overview;
  const StackId user = builder_.StackOf({MakeFrame("keep", "/app/keep.js", 7, 3)});
  overview.slab_leaks.push_back({{user, 2}, 16000, 8000});
  overview.slab_leaks.push_back({{NodeConstant(835), 1}, 8000, 4000});
  overview.slab_leaks.push_back({{NodeConstant(839), 1}, 8000, 2500});
  overview.big_buffer_leaks.push_back({{NodeConstant(900), 1}, 5000});
  const ThreadOverview thread = Main(overview);

  const std::string folded = FormatOverview(absl::MakeConstSpan(&thread, 1));
  EXPECT_NE(folded.find("at keep (/app/keep.js:7:3)"), std::string::npos) << folded;
  EXPECT_EQ(folded.find("node:_http_server"), std::string::npos) << folded;
  // 4000 + 2500 of slab shares and the 5000-byte big buffer.
  EXPECT_NE(folded.find("\nNode internals: 3 sites, 11.5 kB (module constants of Node's own "
                        "modules; --slab-hunter-show-internals lists them)\n"),
            std::string::npos)
      << folded;

  TextOptions shown;
  shown.show_internals = true;
  const std::string listed = FormatOverview(absl::MakeConstSpan(&thread, 1), shown);
  EXPECT_NE(listed.find("at node:_http_server:835:9"), std::string::npos) << listed;
  EXPECT_NE(listed.find("at node:_http_server:839:9"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("Node internals:"), std::string::npos) << listed;
}

TEST_F(AnswerTest, TheAnswerNamesTheLinesGrowingFirstWithTheirFix) {
  LeakOverview overview;
  const StackId cache = builder_.StackOf({MakeFrame("remember", "/app/cache.js", 16, 60),
                                          MakeFrame("main", "/app/index.js", 3, 1)});
  const StackId log = builder_.StackOf({MakeFrame("audit", "/app/audit.js", 18, 41)});
  const StackId body = builder_.StackOf({MakeFrame("handle", "/app/server.js", 14, 23)});
  overview.big_buffer_leaks.push_back({{cache, 20}, 1310720});
  overview.big_buffer_leaks.back().growth = {GrowthVerdict::kSteady, 0};
  overview.big_buffer_leaks.back().peak = SitePeak{1310720, 100};
  overview.big_buffer_leaks.push_back({{body, 144}, 9437184});
  overview.big_buffer_leaks.back().hint = FixHint::kCopyOut;
  overview.big_buffer_leaks.back().growth = {GrowthVerdict::kGrowing, 190.9e6};
  overview.big_buffer_leaks.back().peak = SitePeak{9437184, 3018};
  overview.slab_leaks.push_back({{log, 144}, 9434880, 9434880});
  overview.slab_leaks.back().growth = {GrowthVerdict::kGrowing, 250e6};
  overview.slab_leaks.back().peak = SitePeak{9434880, 3018};
  overview.slab_leaks.back().hint = FixHint::kUnslab;
  overview.slab_leaks.push_back({{NodeConstant(835), 1}, 8000, 4000});
  overview.total_big_buffer_leaks = 10747904;
  overview.total_slab_leaks = 9438880;
  overview.total_unreferenced_bytes = 9434880;
  const ThreadOverview thread = Main(overview);

  EXPECT_EQ(FormatAnswer(absl::MakeConstSpan(&thread, 1)),
            "slab-hunter-node: 3 sites keep memory the program may not need (big buffers "
            "10.7 MB, slab retainers 9.4 MB); 2 growing:\n"
            "  9.4 MB  growing +250 MB/min    slab retainers at audit (/app/audit.js:18:41)\n"
            "          fix: copy long-lived buffers out of the shared pool "
            "(Buffer.allocUnsafeSlow(n) + copy, or the unslab package)\n"
            "  9.4 MB  growing +190.9 MB/min  big buffers at handle (/app/server.js:14:23)\n"
            "          fix: copy the part you keep out of the big buffer: Buffer.from(view), so "
            "the rest can be freed\n"
            "  1.3 MB  steady                 big buffers at remember (/app/cache.js:16:60)\n"
            "  Node internals: 1 site, 4 kB (module constants of Node's own modules; "
            "--slab-hunter-show-internals lists them)\n");
}

// A short run's timeline has too few points for any verdict: the answer says so once, rather
// than "unknown" on every line.
TEST_F(AnswerTest, NoVerdictYetIsSaidOnce) {
  LeakOverview overview;
  const StackId site = builder_.StackOf({MakeFrame("", "/app/leaky.js", 5, 24)});
  overview.big_buffer_leaks.push_back({{site, 5}, 327680});
  overview.big_buffer_leaks.back().peak = SitePeak{327680, 0};
  const ThreadOverview thread = Main(overview);
  EXPECT_EQ(FormatAnswer(absl::MakeConstSpan(&thread, 1)),
            "slab-hunter-node: 1 site keeps memory the program may not need (big buffers "
            "327.7 kB, slab retainers 0 B); growth not known yet (a verdict needs 8 points of "
            "the timeline):\n"
            "  327.7 kB  big buffers at /app/leaky.js:5:24\n");
}

// A server that closed before the end freed its leak: the report holds none of it, but the
// answer still leads with the site that was growing, at its peak.
TEST_F(AnswerTest, ASiteFreedByTheEndThatWasGrowingLeads) {
  LeakOverview overview;
  const StackId mask = builder_.StackOf({MakeFrame("frame", "/app/sender.js", 98, 33)});
  const StackId audit = builder_.StackOf({MakeFrame("onMessage", "/app/server.js", 45, 28)});
  const StackId cache = builder_.StackOf({MakeFrame("onMessage", "/app/server.js", 54, 56)});
  overview.big_buffer_leaks.push_back({{mask, 1}, 8192});
  overview.big_buffer_leaks.back().growth = {GrowthVerdict::kSteady, 0};
  overview.big_buffer_leaks.back().peak = SitePeak{8192, 1200};
  overview.peak_only.push_back(
      {{SiteKind::kSlab, audit}, SitePeak{30.8e6, 7200}, {GrowthVerdict::kGrowing, 271e6}});
  // Freed too, but it was not growing: the details list it, the answer does not.
  overview.peak_only.push_back(
      {{SiteKind::kBigBuffer, cache}, SitePeak{1.6e6, 1200}, {GrowthVerdict::kSteady, 0}});
  const ThreadOverview thread = Main(overview);
  EXPECT_EQ(FormatAnswer(absl::MakeConstSpan(&thread, 1)),
            "slab-hunter-node: 1 site keeps memory the program may not need (big buffers "
            "8.2 kB, slab retainers 0 B); 1 growing (1 of them freed by the end):\n"
            "  30.8 MB  growing +271 MB/min  slab retainers at onMessage (/app/server.js:45:28) "
            "(its peak: freed by the end)\n"
            "  8.2 kB   steady               big buffers at frame (/app/sender.js:98:33)\n");
}

TEST_F(AnswerTest, NothingKeptSaysSo) {
  const LeakOverview overview;
  const ThreadOverview thread = Main(overview);
  EXPECT_EQ(FormatAnswer(absl::MakeConstSpan(&thread, 1)),
            "slab-hunter-node: no site keeps memory the program may not need\n");
}

TEST_F(AnswerTest, PastTenSitesTheRestAreCounted) {
  LeakOverview overview;
  for (int i = 0; i < 12; ++i) {
    const StackId site = builder_.StackOf({MakeFrame("", "/app/many.js", i + 1, 1)});
    overview.big_buffer_leaks.push_back({{site, 1}, 10000.0 - i});
  }
  const ThreadOverview thread = Main(overview);
  const std::string answer = FormatAnswer(absl::MakeConstSpan(&thread, 1));
  EXPECT_NE(answer.find("at /app/many.js:10:1\n  ... and 2 more sites (below)\n"),
            std::string::npos)
      << answer;
  EXPECT_EQ(answer.find("/app/many.js:11:1"), std::string::npos) << answer;
}

TEST(ReportFilesTest, TheNameSaysTheFormat) {
  EXPECT_EQ(ReportFormatOf("-"), ReportFormat::kText);
  EXPECT_EQ(ReportFormatOf("/app/leaks.txt"), ReportFormat::kText);
  EXPECT_EQ(ReportFormatOf("/app/leaks.json"), ReportFormat::kJson);
  // Any other name is JSON, as every report was before the format followed the name.
  EXPECT_EQ(ReportFormatOf("/app/leaks-1234"), ReportFormat::kJson);
  EXPECT_EQ(ReportFormatOf("/dev/stderr"), ReportFormat::kJson);
}

TEST_F(AnswerTest, TheTextReportIsTheAnswerThenTheDetails) {
  LeakOverview overview;
  const StackId user = builder_.StackOf({MakeFrame("keep", "/app/keep.js", 7, 3)});
  overview.slab_leaks.push_back({{user, 2}, 16000, 8000});
  overview.total_slab_leaks = 8000;
  const ThreadOverview thread = Main(overview);
  const auto threads = absl::MakeConstSpan(&thread, 1);
  EXPECT_EQ(FormatReport(ReportFormat::kText, threads, ReportSettings()),
            FormatAnswer(threads) + "\n" + FormatOverview(threads) + "\n");
}

}  // namespace
}  // namespace slab_hunter
