// A tracker that learns of stores only through views (StoreSource::kViews, a Node 24 Worker's):
// each store is located by the first tracked view on it, and retired through its ArrayBuffer.
#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/analysis.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::ViewOf;

class TrackerViewsOnlyTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'000'000};
  Tracker tracker_{&clock_, StoreSource::kViews};
};

TEST_F(TrackerViewsOnlyTest, AWholeViewLocatesItsStoreAsItsCallsBuffer) {
  ViewStore store;
  tracker_.OnViewCreated(ViewOf(0x1000, 65536, 0, 65536, 7, ViewApi::kAlloc), &store);
  EXPECT_TRUE(store.origin_unknown);
  tracker_.OnViewCreated(ViewOf(0x1000, 65536, 0, 16, 8, ViewApi::kSubarray));
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(snapshot.stores[0].record.stack, 7u);

  AnalysisOptions options;
  options.leak_cutoff_nanos = 0;
  const LeakOverview overview = Analyze(snapshot, options);
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, 7u);
  EXPECT_EQ(overview.big_buffer_leaks[0].total_size, 65536);
}

TEST_F(TrackerViewsOnlyTest, APartialViewLocatesItsStoreAsAPoolSlab) {
  tracker_.OnViewCreated(ViewOf(0x1000, 65536, 128, 100, 7, ViewApi::kAllocUnsafe));
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.origin, StoreOrigin::kPoolSlab);
}

TEST_F(TrackerViewsOnlyTest, AViewOnMemoryTheCallerGaveLeavesItsOriginUnknown) {
  NewView from_array_buffer = ViewOf(0x1000, 90000, 0, 90000, 7, ViewApi::kFrom);
  from_array_buffer.may_own_store = false;
  tracker_.OnViewCreated(from_array_buffer);
  NewView subarray = ViewOf(0x20000, 70000, 0, 70000, 9, ViewApi::kSubarray);
  subarray.may_own_store = false;
  tracker_.OnViewCreated(subarray);
  int unknown = 0;
  for (const auto& live : tracker_.TakeSnapshot().stores) {
    if (live.record.origin == StoreOrigin::kBeforeTracking) ++unknown;
  }
  EXPECT_EQ(unknown, 2);
}

TEST(TrackerAllocatorSourceTest, AStoreFirstSeenThroughAViewIsFromBeforeTracking) {
  ManualClock clock{1'000'000};
  Tracker tracker{&clock};
  tracker.OnViewCreated(ViewOf(0x1000, 65536, 0, 65536, 7, ViewApi::kAlloc));
  const Snapshot snapshot = tracker.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.origin, StoreOrigin::kBeforeTracking);
}

}  // namespace
}  // namespace slab_hunter
