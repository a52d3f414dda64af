// What ends a store's or a view's hold besides the allocator's Free and the view's collection:
// the ArrayBuffer of a store of unknown origin being collected, a detach, a stale record, and a
// tracked call that threw before making its view.
#include <cstdint>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;

NewView WholeView(const void* data, size_t size, StackId stack) {
  NewView view;
  view.store_data = data;
  view.store_size = size;
  view.length = size;
  view.stack = stack;
  return view;
}

class TrackerLivenessTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'000'000};
  Tracker tracker_{&clock_};
};

TEST_F(TrackerLivenessTest, UnreachableStoreOfUnknownOriginLeavesSnapshot) {
  ViewStore store;
  tracker_.OnViewCreated(WholeView(Addr(0x1000), 10000, 7), &store);
  ASSERT_NE(store.id, kNoStore);
  EXPECT_TRUE(store.origin_unknown);
  ASSERT_EQ(tracker_.TakeSnapshot().stores.size(), 1u);

  tracker_.OnStoreUnreachable(store.id, store.generation);
  EXPECT_TRUE(tracker_.TakeSnapshot().stores.empty());
  EXPECT_EQ(tracker_.live_store_count(), 0u);
}

TEST_F(TrackerLivenessTest, StoresFromTheAllocatorAreNotOfUnknownOrigin) {
  tracker_.OnStoreAllocated(Addr(0x1000), 10000, StoreOrigin::kPendingCall, kNoStack);
  ViewStore store;
  tracker_.OnViewCreated(WholeView(Addr(0x1000), 10000, 7), &store);
  EXPECT_FALSE(store.origin_unknown);
}

TEST_F(TrackerLivenessTest, UnreachableIgnoredWhenTheIdNowNamesANewerStore) {
  // Same id, same address: only the generation tells the old store from the new one.
  ViewStore first;
  const ViewId view = tracker_.OnViewCreated(WholeView(Addr(0x1000), 100, 1), &first);
  tracker_.OnViewCollected(view);
  tracker_.OnStoreFreed(Addr(0x1000));
  ViewStore second;
  tracker_.OnViewCreated(WholeView(Addr(0x1000), 100, 2), &second);
  ASSERT_EQ(first.id, second.id);
  ASSERT_NE(first.generation, second.generation);

  tracker_.OnStoreUnreachable(first.id, first.generation);  // the old ArrayBuffer's late callback
  EXPECT_EQ(tracker_.TakeSnapshot().stores.size(), 1u);
  tracker_.OnStoreUnreachable(second.id, second.generation);
  EXPECT_TRUE(tracker_.TakeSnapshot().stores.empty());
}

TEST_F(TrackerLivenessTest, DetachedViewHoldsNothingAndTheStoreLivesOn) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  NewView small = WholeView(Addr(0x1000), 8192, 3);
  small.offset = 16;
  small.length = 10;
  const ViewId view = tracker_.OnViewCreated(small);

  tracker_.OnViewDetached(view);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.views.size(), 1u);
  EXPECT_EQ(snapshot.views[0].record.store, kNoStore);
  EXPECT_EQ(snapshot.views[0].record.length, 0u);
  ASSERT_EQ(snapshot.stores.size(), 1u);  // moved to another ArrayBuffer, not freed
  EXPECT_EQ(snapshot.stores[0].record.live_views, 0u);

  // Collecting the detached view later does not count the store's views down twice.
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(small);
  tracker_.OnViewCollected(view);
  const Snapshot after = tracker_.TakeSnapshot();
  ASSERT_EQ(after.stores.size(), 1u);
  EXPECT_EQ(after.stores[0].record.live_views, 1u);
}

TEST_F(TrackerLivenessTest, RecordOfAnotherSizeAtTheAddressIsStale) {
  // A store of unknown origin freed by its own deleter is never reported freed; a new store of
  // another size at the same address must not inherit its record.
  ViewStore first;
  tracker_.OnViewCreated(WholeView(Addr(0x1000), 100, 1), &first);
  ViewStore second;
  tracker_.OnViewCreated(WholeView(Addr(0x1000), 5000, 2), &second);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.size, 5000u);
  EXPECT_EQ(tracker_.live_store_count(), 1u);
}

TEST_F(TrackerLivenessTest, FailedCallReleasesItsPendingStores) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnTrackedCallFailed();
  // The next call's view does not claim the failed call's store.
  tracker_.OnStoreAllocated(Addr(0x3000), 5000, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(WholeView(Addr(0x3000), 5000, 9));

  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 2u);
  for (const auto& store : snapshot.stores) {
    if (store.record.address == 0x1000) {
      // Never a big-buffer leak: what a failed call leaves held is Node's new pool slab.
      EXPECT_EQ(store.record.origin, StoreOrigin::kPoolSlab);
      EXPECT_EQ(store.record.stack, kNoStack);
    } else {
      EXPECT_EQ(store.record.origin, StoreOrigin::kBufferCall);
      EXPECT_EQ(store.record.stack, 9u);
    }
  }
}

}  // namespace
}  // namespace slab_hunter
