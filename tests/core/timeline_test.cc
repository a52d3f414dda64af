#include "tracker/core/timeline.h"

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/analysis.h"
#include "tracker/core/clock.h"

namespace slab_hunter {
namespace {

using testing::kSecond;

SiteTally TallyAt(int64_t at, std::vector<double> big, std::vector<double> slab = {}) {
  SiteTally tally;
  tally.at_nanos = at;
  for (double bytes : big) tally.total_big_buffer += bytes;
  for (double bytes : slab) tally.total_slab += bytes;
  tally.big_buffer = std::move(big);
  tally.slab = std::move(slab);
  return tally;
}

TEST(TimelineTest, KeepsOnePointPerTickUntilFullThenMergesNeighbours) {
  Timeline timeline(0, {/*max_points=*/4, /*max_sites=*/8});
  for (int tick = 1; tick <= 4; ++tick) timeline.Add(TallyAt(tick * kSecond, {0, tick * 10.0}));
  // Four points make it full: they become two, each of two ticks.
  EXPECT_EQ(timeline.ticks_per_point(), 2u);
  EXPECT_EQ(timeline.PointTimes(), (std::vector<int64_t>{1500000000, 3500000000}));
  const Timeline::Series* site = timeline.Find({SiteKind::kBigBuffer, 1});
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(timeline.PointsOf(*site), (std::vector<double>{15, 35}));
  // One more tick: a point being filled, shown as the mean of its ticks so far.
  timeline.Add(TallyAt(5 * kSecond, {0, 50}));
  EXPECT_EQ(timeline.PointTimes().size(), 3u);
  EXPECT_EQ(timeline.PointsOf(*site), (std::vector<double>{15, 35, 50}));
  EXPECT_EQ(timeline.PointsOf(timeline.big_buffer_total()), (std::vector<double>{15, 35, 50}));
  EXPECT_EQ(site->peak_bytes, 50);
  EXPECT_EQ(site->peak_at_nanos, 5 * kSecond);
}

TEST(TimelineTest, PointsStayBoundedOverManyTicks) {
  Timeline timeline(0, {/*max_points=*/128, /*max_sites=*/8});
  for (int tick = 0; tick < 100000; ++tick) timeline.Add(TallyAt(tick * kSecond, {0, 1.0 * tick}));
  EXPECT_LT(timeline.PointTimes().size(), 128u);
  EXPECT_GE(timeline.PointTimes().size(), 64u);
  const Timeline::Series& site = *timeline.Find({SiteKind::kBigBuffer, 1});
  EXPECT_LE(site.points.size(), 128u);
  EXPECT_EQ(site.peak_bytes, 99999);
  EXPECT_EQ(timeline.GrowthOf(site).verdict, GrowthVerdict::kGrowing);
  EXPECT_NEAR(*timeline.GrowthOf(site).bytes_per_minute, 60, 1e-6);
}

TEST(TimelineTest, ASiteThatAppearsLaterStartsAtItsFirstPoint) {
  Timeline timeline(0, {/*max_points=*/8, /*max_sites=*/8});
  timeline.Add(TallyAt(1 * kSecond, {}, {}));
  timeline.Add(TallyAt(2 * kSecond, {}, {0, 0, 7}));
  timeline.Add(TallyAt(3 * kSecond, {}, {}));  // freed
  const Timeline::Series* site = timeline.Find({SiteKind::kSlab, 2});
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->first_point, 1u);
  EXPECT_EQ(timeline.PointsOf(*site), (std::vector<double>{0, 7, 0}));
  EXPECT_EQ(site->peak_bytes, 7);
  EXPECT_EQ(site->peak_at_nanos, 2 * kSecond);
  EXPECT_EQ(timeline.GrowthOf(*site).verdict, GrowthVerdict::kUnknown);
}

// A server that closes before it ends frees its leak: the report's own point, made after, is 0.
// The verdict is the site's trend while it held memory, which that last point does not change.
TEST(TimelineTest, ASiteFreedAtTheEndIsJudgedWhileItHeldMemory) {
  Timeline timeline(0, {/*max_points=*/128, /*max_sites=*/8});
  for (int tick = 1; tick <= 10; ++tick) timeline.Add(TallyAt(tick * kSecond, {0, tick * 1000.0}));
  timeline.Add(TallyAt(11 * kSecond, {}));  // freed
  const Timeline::Series& site = *timeline.Find({SiteKind::kBigBuffer, 1});
  EXPECT_EQ(timeline.PointsOf(site).back(), 0);
  const Growth growth = timeline.GrowthOf(site);
  EXPECT_EQ(growth.verdict, GrowthVerdict::kGrowing);
  EXPECT_NEAR(*growth.bytes_per_minute, 60000, 1e-6);
}

TEST(TimelineTest, WhenFullTheSitesThatHeldMostStay) {
  Timeline timeline(0, {/*max_points=*/8, /*max_sites=*/2});
  timeline.Add(TallyAt(kSecond, {0, 10, 20}));
  timeline.Add(TallyAt(2 * kSecond, {0, 0, 0, 5}));   // smaller than both: dropped
  timeline.Add(TallyAt(3 * kSecond, {0, 0, 0, 0, 30}));  // replaces the site of 10
  EXPECT_EQ(timeline.sites().size(), 2u);
  EXPECT_EQ(timeline.Find({SiteKind::kBigBuffer, 1}), nullptr);
  EXPECT_NE(timeline.Find({SiteKind::kBigBuffer, 2}), nullptr);
  EXPECT_NE(timeline.Find({SiteKind::kBigBuffer, 4}), nullptr);
  EXPECT_EQ(timeline.dropped_sites(), 2u);
}

TEST(TimelineTest, ASiteLeftOutIsCountedOnceHoweverManyTicksSeeIt) {
  Timeline timeline(0, {/*max_points=*/8, /*max_sites=*/2});
  for (int tick = 1; tick <= 10; ++tick) {
    timeline.Add(TallyAt(tick * kSecond, {0, 10, 20, 5}));  // site 3 never fits
  }
  EXPECT_EQ(timeline.dropped_sites(), 1u);
  // Taken in again (it grew past the smallest kept), the site it replaced is the one left out.
  timeline.Add(TallyAt(11 * kSecond, {0, 10, 20, 15}));
  EXPECT_NE(timeline.Find({SiteKind::kBigBuffer, 3}), nullptr);
  EXPECT_EQ(timeline.Find({SiteKind::kBigBuffer, 1}), nullptr);
  EXPECT_EQ(timeline.dropped_sites(), 1u);
}

TEST(TimelineTest, RenumberedStacksAreFoundAgain) {
  Timeline timeline(0);
  timeline.Add(TallyAt(kSecond, {0, 0, 0, 9}));
  std::vector<StackId*> fields;
  timeline.AppendStackFields(fields);
  ASSERT_EQ(fields.size(), 1u);
  *fields[0] = 1;
  timeline.Reindex();
  EXPECT_EQ(timeline.Find({SiteKind::kBigBuffer, 3}), nullptr);
  ASSERT_NE(timeline.Find({SiteKind::kBigBuffer, 1}), nullptr);
}

// A tick counts what an analysis made at that instant counts, site by site.
TEST(TimelineTest, TallyMatchesAnalysis) {
  ManualClock clock;
  Tracker tracker(&clock);
  testing::StackBuilder builder;
  const StackId big = builder.StackOf({testing::MakeFrame("read", "/app/a.js", 1, 1)});
  const StackId key = builder.StackOf({testing::MakeFrame("key", "/app/a.js", 2, 1)});
  tracker.OnStoreAllocated(testing::Addr(0x1000), 65536, StoreOrigin::kBufferCall, big);
  tracker.OnStoreAllocated(testing::Addr(0x2000), 8192, StoreOrigin::kPoolSlab, key);
  tracker.OnViewCreated(testing::ViewOf(0x1000, 65536, 0, 16, key, ViewApi::kSubarray));
  tracker.OnViewCreated(testing::ViewOf(0x2000, 8192, 0, 100, key));
  tracker.OnViewCreated(testing::ViewOf(0x2000, 8192, 100, 100, key));
  clock.AdvanceNanos(2 * kSecond);
  AnalysisOptions options;
  options.leak_cutoff_nanos = kSecond;
  SiteTally tally;
  tracker.TallySites(options, tally);
  const LeakOverview overview = Analyze(tracker.TakeSnapshot(), options);
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(tally.big_buffer[big], overview.big_buffer_leaks[0].total_size);
  EXPECT_EQ(tally.slab[key], overview.slab_leaks[0].normalised_total_leaked_bytes);
  EXPECT_EQ(tally.total_big_buffer, overview.total_big_buffer_leaks);
  EXPECT_EQ(tally.total_slab, overview.total_slab_leaks);
  // Younger than the cut-off: nothing yet.
  options.leak_cutoff_nanos = 3 * kSecond;
  tracker.TallySites(options, tally);
  EXPECT_EQ(tally.total_big_buffer + tally.total_slab, 0);
  EXPECT_EQ(tally.big_buffer[big], 0);
}

}  // namespace
}  // namespace slab_hunter
