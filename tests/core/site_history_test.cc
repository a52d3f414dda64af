// What a timeline adds to an overview and its reports: peaks, growth, the sites that held
// memory only earlier, the timeline itself in the JSON, and the growth gate.
#include "tracker/core/site_history.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/report_json.h"
#include "tracker/core/report_text.h"

namespace slab_hunter {
namespace {

using testing::kSecond;
using testing::MakeFrame;

class SiteHistoryTest : public ::testing::Test {
 protected:
  // Ten ticks a second apart from t = 1 s (tracking began at 0): `growing` adds 60 kB a tick,
  // `freed` holds 1 MB until the last tick, which finds it gone.
  void SetUp() override {
    growing_ = builder_.StackOf({MakeFrame("add", "/app/soak.js", 7, 5)});
    freed_ = builder_.StackOf({MakeFrame("load", "/app/soak.js", 12, 3)});
    for (int tick = 1; tick <= 10; ++tick) {
      SiteTally tally;
      tally.at_nanos = tick * kSecond;
      tally.big_buffer.assign(freed_ + 1, 0.0);
      tally.big_buffer[growing_] = 60000.0 * tick;
      if (tick < 10) tally.big_buffer[freed_] = 1e6;
      tally.total_big_buffer = tally.big_buffer[growing_] + tally.big_buffer[freed_];
      timeline_.Add(tally);
    }
    overview_.big_buffer_leaks.push_back({});
    BigBufferLeak& entry = overview_.big_buffer_leaks.back();
    entry.stack = growing_;
    entry.amount = 10;
    entry.total_size = 600000;
    overview_.total_big_buffer_leaks = 600000;
    AddSiteHistory(timeline_, 10 * kSecond, overview_);
  }

  testing::StackBuilder builder_;
  StackId growing_ = kNoStack;
  StackId freed_ = kNoStack;
  Timeline timeline_{0, {/*max_points=*/128, /*max_sites=*/16}};
  LeakOverview overview_;
};

TEST_F(SiteHistoryTest, EntriesGetPeakAndGrowthAndFreedSitesAreListed) {
  const BigBufferLeak& entry = overview_.big_buffer_leaks[0];
  ASSERT_TRUE(entry.peak);
  EXPECT_EQ(entry.peak->bytes, 600000);
  EXPECT_EQ(entry.peak->at_ms, 10000);
  EXPECT_EQ(entry.growth.verdict, GrowthVerdict::kGrowing);
  EXPECT_DOUBLE_EQ(*entry.growth.bytes_per_minute, 3.6e6);
  ASSERT_EQ(overview_.peak_only.size(), 1u);
  EXPECT_EQ(overview_.peak_only[0].site, (SiteKey{SiteKind::kBigBuffer, freed_}));
  EXPECT_EQ(overview_.peak_only[0].peak.bytes, 1e6);
  EXPECT_EQ(overview_.peak_only[0].peak.at_ms, 1000);
  EXPECT_EQ(overview_.timeline, &timeline_);
}

TEST_F(SiteHistoryTest, TextShowsGrowthPeakAndFreedSites) {
  const std::string text = FormatOverview(overview_, builder_.frames(), builder_.stacks());
  EXPECT_NE(text.find("10 leaks of big buffers of avg size 60 kB (total: 600 kB) at add "
                      "(/app/soak.js:7:5)\n"
                      "    unreferenced: 0 B\n"
                      "    growth: growing, +3.6 MB/min; peak 600 kB at 10 s\n\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nHeld at their peak, nothing now (not in the totals):\n"
                      "big buffers at load (/app/soak.js:12:3)\n"
                      "    growth: steady, +0 B/min; peak 1 MB at 1 s\n\nTotal potential"),
            std::string::npos)
      << text;
}

TEST_F(SiteHistoryTest, JsonHasVersionTwoFieldsAndTheTimeline) {
  ReportSettings settings;
  const std::string json = FormatJson(overview_, builder_.frames(), builder_.stacks(), settings);
  EXPECT_NE(json.find("\"hint\":null,\"peakBytes\":600000,\"peakAtMs\":10000,"
                      "\"growth\":{\"verdict\":\"growing\",\"bytesPerMinute\":3600000}}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"peakOnlySites\":[{\"kind\":\"bigBuffer\",\"location\":\"at load "
                      "(/app/soak.js:12:3)\",\"nodeInternal\":false,\"frames\":[{\"function\":\"load\",\"file\":"
                      "\"/app/soak.js\",\"line\":12,\"column\":3}],\"threadId\":0,"
                      "\"peakBytes\":1000000,\"peakAtMs\":1000,\"growth\":{\"verdict\":"
                      "\"steady\",\"bytesPerMinute\":0}}]"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"timeline\":{\"threadId\":0,\"ticks\":10,\"ticksPerPoint\":1,"
                      "\"maxPoints\":128,\"maxSites\":16,\"droppedSites\":0,"
                      "\"atMs\":[1000,2000,3000,4000,5000,6000,7000,8000,9000,10000],"
                      "\"totals\":{\"bigBufferLeaks\":[1060000,1120000,1180000,1240000,"
                      "1300000,1360000,1420000,1480000,1540000,600000],\"slabLeaks\":"
                      "[0,0,0,0,0,0,0,0,0,0]},\"sites\":[{\"kind\":\"bigBuffer\",\"location\":"
                      "\"at add (/app/soak.js:7:5)\",\"nodeInternal\":false,\"bytes\":[60000,120000,180000,240000,"
                      "300000,360000,420000,480000,540000,600000]},{\"kind\":\"bigBuffer\","
                      "\"location\":\"at load (/app/soak.js:12:3)\",\"nodeInternal\":false,\"bytes\":[1000000,1000000,"
                      "1000000,1000000,1000000,1000000,1000000,1000000,1000000,0]}]}}"),
            std::string::npos)
      << json;
}

TEST_F(SiteHistoryTest, GrowthGateNamesOnlySitesGrowingFaster) {
  ReportSettings settings;
  settings.budgets.growth = 3.5e6;
  const BudgetVerdict over = CheckBudgets(overview_, settings.budgets);
  ASSERT_EQ(over.growing.size(), 1u);
  EXPECT_TRUE(over.exceeded());
  const ThreadOverview thread{0, ThreadState::kRunning, &overview_, &builder_.frames(),
                              &builder_.stacks()};
  const std::vector<GrowingSite> sites = GrowingFasterThan(absl::MakeConstSpan(&thread, 1), 3.5e6);
  EXPECT_EQ(FormatGrowingSites(sites), "  +3.6 MB/min big buffers at add (/app/soak.js:7:5)\n");
  settings.budgets.growth = 3.6e6;  // not faster than the gate
  EXPECT_FALSE(CheckBudgets(overview_, settings.budgets).exceeded());
}

TEST(SiteHistoryNoSeriesTest, AnEntryTheTimelineMissedPeaksAtItsBytesNow) {
  Timeline timeline(0);
  LeakOverview overview;
  overview.slab_leaks.push_back({});
  overview.slab_leaks.back().stack = 3;
  overview.slab_leaks.back().normalised_total_leaked_bytes = 8000;
  AddSiteHistory(timeline, 2500 * 1000000LL, overview);
  ASSERT_TRUE(overview.slab_leaks[0].peak);
  EXPECT_EQ(overview.slab_leaks[0].peak->bytes, 8000);
  EXPECT_EQ(overview.slab_leaks[0].peak->at_ms, 2500);
  EXPECT_EQ(overview.slab_leaks[0].growth.verdict, GrowthVerdict::kUnknown);
  EXPECT_EQ(FormatSiteHistory(*overview.slab_leaks[0].peak, overview.slab_leaks[0].growth),
            "growth: unknown (too few points); peak 8 kB at 2.5 s");
}

}  // namespace
}  // namespace slab_hunter
