#include "tracker/core/report_merge.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tracker/core/report_reader.h"
#include "tracker/core/report_text.h"

namespace slab_hunter {
namespace {

std::string Location(int line) {
  return absl::StrCat("\"location\":\"at /app/app.js:", line, ":1\",\"frames\":[{\"function\":"
                      "\"\",\"file\":\"/app/app.js\",\"line\":", line, ",\"column\":1}]");
}

std::string Growth(const char* verdict, const char* rate) {
  return absl::StrCat("\"growth\":{\"verdict\":\"", verdict, "\",\"bytesPerMinute\":", rate, "}");
}

// A report of process `pid` whose main thread keeps `amount` big buffers of 1000 bytes each at
// app.js:5, retained by views made at app.js:6 (and, with `second_retainer`, at app.js:7),
// growing at `rate` bytes per minute with a peak of `peak` (< 0: none, as without a timeline),
// at `pid` ms; and `slab` slab views at app.js:8.
std::string Report(int pid, int amount, const char* verdict, const char* rate, int peak,
                   int slab, bool second_retainer, const char* hint) {
  const std::string retainers = absl::StrCat(
      "[{", Location(6), ",\"amount\":", amount, ",\"bytes\":", amount * 10, "}",
      second_retainer ? absl::StrCat(",{", Location(7), ",\"amount\":1,\"bytes\":5}") : "", "]");
  return absl::StrCat(
      "{\"schema\":\"slab-hunter-report\",\"version\":2,\"pid\":", pid,
      ",\"settings\":{\"leakCutoffMs\":0,\"bigBufferCutoff\":4000,\"stackDepth\":10},"
      "\"totals\":{\"bigBufferLeaks\":", amount * 1000, ",\"slabLeaks\":", slab * 100,
      ",\"unreferencedBytes\":", amount * 990 + slab * 50, "},"
      "\"budgets\":{\"bigBufferLeaks\":null,\"slabLeaks\":null,\"growthBytesPerMinute\":null,"
      "\"exceeded\":false},\"threads\":[{\"threadId\":0,\"state\":\"running\"}],"
      "\"bigBufferLeaks\":[{", Location(5), ",\"threadId\":0,\"amount\":", amount,
      ",\"totalSize\":", amount * 1000, ",\"retainers\":", retainers,
      ",\"unreferencedBytes\":", amount * 990, ",\"hint\":\"", hint,
      "\",\"peakBytes\":", peak < 0 ? "null" : absl::StrCat(peak),
      ",\"peakAtMs\":", peak < 0 ? "null" : absl::StrCat(pid), ",", Growth(verdict, rate), "}],"
      "\"slabLeaks\":[{", Location(8), ",\"threadId\":0,\"amount\":", slab,
      ",\"totalLeakedBytes\":", slab * 200, ",\"normalisedTotalLeakedBytes\":", slab * 100,
      ",\"retainers\":[],\"unreferencedBytes\":", slab * 50,
      ",\"hint\":null,\"peakBytes\":null,\"peakAtMs\":null,", Growth("unknown", "null"), "}],"
      "\"peakOnlySites\":[],\"timeline\":{\"threadId\":0,\"atMs\":[", pid, "]}}");
}

class MergeTest : public ::testing::Test {
 protected:
  void Read(const std::vector<std::string>& texts) {
    reports_.resize(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      ASSERT_EQ(ReadReport(texts[i], absl::StrCat("/app/r", i, ".json"), stacks_, &reports_[i]),
                std::nullopt);
    }
    merged_ = MergeReports(reports_);
  }
  std::string LocationOf(StackId stack) const {
    return FormatStack(stacks_.frames(), stacks_.stacks(), stack);
  }

  SharedStacks stacks_;
  std::vector<ProcessReport> reports_;
  std::vector<ReportThread> merged_;
};

TEST_F(MergeTest, EntriesOfOneLocationAreSummed) {
  Read({Report(101, 3, "steady", "0", 3000, 4, false, "copy-out"),
        Report(102, 5, "growing", "9000", 6000, 0, true, "unslab"),
        Report(103, 2, "growing", "4000", -1, 1, false, "copy-out")});
  ASSERT_EQ(merged_.size(), 1u);
  EXPECT_EQ(merged_[0].thread_id, 0);
  const LeakOverview& overview = merged_[0].overview;
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  const BigBufferLeak& big = overview.big_buffer_leaks[0];
  EXPECT_EQ(LocationOf(big.stack), "at /app/app.js:5:1");
  EXPECT_EQ(big.amount, 10u);
  EXPECT_EQ(big.total_size, 10000);
  EXPECT_EQ(big.unreferenced_bytes, 9900);
  // Retainers by location: app.js:6 from all three, app.js:7 from the second only.
  ASSERT_EQ(big.retainers.size(), 2u);
  EXPECT_EQ(LocationOf(big.retainers[0].stack), "at /app/app.js:6:1");
  EXPECT_EQ(big.retainers[0].amount, 10u);
  EXPECT_EQ(big.retainers[0].bytes, 100);
  EXPECT_EQ(LocationOf(big.retainers[1].stack), "at /app/app.js:7:1");
  EXPECT_EQ(big.retainers[1].amount, 1u);
  EXPECT_EQ(big.retainers[1].bytes, 5);
  // Each process's own peak, summed (process 103 has none: what it holds, 2000 bytes); the
  // time of the largest (process 102's, at 102 ms).
  ASSERT_TRUE(big.peak.has_value());
  EXPECT_EQ(big.peak->bytes, 3000 + 6000 + 2000);
  EXPECT_EQ(big.peak->at_ms, 102);
  // The fastest-growing process's verdict and rate.
  EXPECT_EQ(big.growth.verdict, GrowthVerdict::kGrowing);
  EXPECT_EQ(big.growth.bytes_per_minute, 9000);
  EXPECT_EQ(big.hint, FixHint::kUnslab);  // process 102 holds most of it

  // The slab entry: processes 101 and 103 only (102 has none: amount 0 there still merges).
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].amount, 5u);
  EXPECT_EQ(overview.slab_leaks[0].total_leaked_bytes, 1000);
  EXPECT_EQ(overview.slab_leaks[0].normalised_total_leaked_bytes, 500);
  EXPECT_FALSE(overview.slab_leaks[0].peak.has_value());
  EXPECT_EQ(overview.slab_leaks[0].growth.verdict, GrowthVerdict::kUnknown);

  EXPECT_EQ(overview.total_big_buffer_leaks, 10000);
  EXPECT_EQ(overview.total_slab_leaks, 500);
  EXPECT_EQ(overview.total_unreferenced_bytes, 9900 + 250);
}

TEST_F(MergeTest, TheGrowthGateSeesTheFastestProcess) {
  Read({Report(101, 3, "steady", "0", 3000, 0, false, "copy-out"),
        Report(102, 5, "growing", "9000", 6000, 0, false, "copy-out")});
  Budgets budgets;
  budgets.growth = 8000;
  const std::vector<ThreadOverview> threads = ThreadOverviewsOf(merged_, stacks_);
  BudgetVerdict verdict = CheckBudgets(threads, budgets);
  ASSERT_EQ(verdict.growing.size(), 1u);
  EXPECT_EQ(verdict.growing[0].bytes_per_minute, 9000);
  budgets.growth = 9000;
  EXPECT_FALSE(CheckBudgets(threads, budgets).exceeded());
  budgets.big_buffer_leaks = 7999;  // 3000 + 5000 bytes
  EXPECT_TRUE(CheckBudgets(threads, budgets).big_buffer_leaks_over);
  budgets.big_buffer_leaks = 8000;
  EXPECT_FALSE(CheckBudgets(threads, budgets).exceeded());
}

TEST_F(MergeTest, ASiteHeldOnlyEarlierInOneProcessAddsItsPeakToTheEntry) {
  std::string earlier = Report(101, 3, "steady", "0", 3000, 0, false, "copy-out");
  // Process 101's app.js:5 site held memory only earlier; its app.js:8 too, and only there.
  const size_t big = earlier.find("\"bigBufferLeaks\":[{");
  const size_t slab = earlier.find(",\"slabLeaks\":[");
  earlier.replace(big, slab - big, "\"bigBufferLeaks\":[]");
  earlier = absl::StrReplaceAll(
      earlier, {{"\"slabLeaks\":[{", "\"slabLeaks\":[],\"_\":[{"},
                {"\"peakOnlySites\":[]",
                 absl::StrCat("\"peakOnlySites\":[{\"kind\":\"bigBuffer\",", Location(5),
                              ",\"threadId\":0,\"peakBytes\":700,\"peakAtMs\":9,",
                              Growth("shrinking", "-10"), "},{\"kind\":\"slab\",", Location(8),
                              ",\"threadId\":0,\"peakBytes\":40,\"peakAtMs\":3,",
                              Growth("steady", "0"), "}]")}});
  Read({earlier, Report(102, 5, "unknown", "null", 6000, 0, false, "copy-out")});
  const LeakOverview& overview = merged_[0].overview;
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].amount, 5u);
  EXPECT_EQ(overview.big_buffer_leaks[0].peak->bytes, 6700);
  EXPECT_EQ(overview.big_buffer_leaks[0].growth.verdict, GrowthVerdict::kShrinking);
  // Process 102's empty slab entry at app.js:8 makes that site an entry too.
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].peak->bytes, 40);
  EXPECT_TRUE(overview.peak_only.empty());
}

TEST_F(MergeTest, TheMergedJsonKeepsEachProcessTimeline) {
  Read({Report(101, 3, "steady", "0", 3000, 4, false, "copy-out"),
        Report(102, 5, "growing", "9000", 6000, 0, true, "unslab")});
  ReportSettings settings = reports_[0].settings;
  settings.budgets.growth = 100;
  const std::string json = FormatMergedJson(merged_, stacks_, reports_, settings);
  EXPECT_EQ(json.rfind("{\"schema\":\"slab-hunter-report\",\"version\":2,\"pid\":null,", 0), 0u)
      << json;
  EXPECT_NE(json.find("\"budgets\":{\"bigBufferLeaks\":null,\"slabLeaks\":null,"
                      "\"growthBytesPerMinute\":100,\"exceeded\":true}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(",\"amount\":8,\"totalSize\":8000,"), std::string::npos) << json;
  const std::string processes =
      ",\"timeline\":null,\"processes\":["
      "{\"pid\":101,\"file\":\"/app/r0.json\",\"threads\":[{\"threadId\":0,\"state\":\"running\"}],"
      "\"timeline\":{\"threadId\":0,\"atMs\":[101]}},"
      "{\"pid\":102,\"file\":\"/app/r1.json\",\"threads\":[{\"threadId\":0,\"state\":\"running\"}],"
      "\"timeline\":{\"threadId\":0,\"atMs\":[102]}}]}";
  ASSERT_GE(json.size(), processes.size());
  EXPECT_EQ(json.substr(json.size() - processes.size()), processes);
}

TEST_F(MergeTest, ThreadsMergeByIdAndAWorkerKeepsAnAnsweredState) {
  // Each report with a Worker (thread 1) in `state`; with `worker_slab`, its slab entry is the
  // Worker's rather than the main thread's.
  auto with_worker = [](const std::string& report, const char* state, bool worker_slab) {
    std::string text = absl::StrReplaceAll(
        report, {{"\"threads\":[{\"threadId\":0,\"state\":\"running\"}]",
                  absl::StrCat("\"threads\":[{\"threadId\":0,\"state\":\"running\"},"
                               "{\"threadId\":1,\"state\":\"", state, "\"}]")}});
    if (worker_slab) {
      text = absl::StrReplaceAll(text, {{",\"threadId\":0,\"amount\":4,\"totalLeakedBytes\"",
                                         ",\"threadId\":1,\"amount\":4,\"totalLeakedBytes\""}});
    }
    return text;
  };
  Read({with_worker(Report(101, 3, "steady", "0", 3000, 4, false, "copy-out"), "unanswered",
                    false),
        with_worker(Report(102, 5, "steady", "0", 6000, 4, false, "copy-out"), "stopped", true)});
  ASSERT_EQ(merged_.size(), 2u);
  EXPECT_EQ(merged_[0].thread_id, 0);
  EXPECT_EQ(merged_[0].state, ThreadState::kRunning);
  EXPECT_EQ(merged_[1].thread_id, 1);
  EXPECT_EQ(merged_[1].state, ThreadState::kStopped);
  // One slab entry at app.js:8 in each thread: process 101's main thread's, 102's Worker's.
  ASSERT_EQ(merged_[0].overview.slab_leaks.size(), 1u);
  EXPECT_EQ(merged_[0].overview.slab_leaks[0].amount, 4u);
  ASSERT_EQ(merged_[1].overview.slab_leaks.size(), 1u);
  EXPECT_EQ(merged_[1].overview.slab_leaks[0].amount, 4u);
  EXPECT_EQ(merged_[0].overview.big_buffer_leaks[0].amount, 8u);
  EXPECT_TRUE(merged_[1].overview.big_buffer_leaks.empty());
}

}  // namespace
}  // namespace slab_hunter
