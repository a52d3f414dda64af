// What ends a store's life besides the allocator's Free: its ArrayBuffer being collected, and
// a tracked call that threw before making its view.
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

TEST_F(TrackerLivenessTest, UnreachableStoreLeavesSnapshotBeforeItsFree) {
  tracker_.OnStoreAllocated(Addr(0x1000), 10000, StoreOrigin::kPendingCall, kNoStack);
  StoreId store = kNoStore;
  tracker_.OnViewCreated(WholeView(Addr(0x1000), 10000, 7), &store);
  ASSERT_NE(store, kNoStore);
  ASSERT_EQ(tracker_.TakeSnapshot().stores.size(), 1u);

  tracker_.OnStoreUnreachable(store, Addr(0x1000));
  EXPECT_TRUE(tracker_.TakeSnapshot().stores.empty());
  EXPECT_EQ(tracker_.live_store_count(), 0u);
  // V8's sweeper frees the memory later: nothing left to forget, nothing breaks.
  tracker_.OnStoreFreed(Addr(0x1000));
  EXPECT_EQ(tracker_.live_store_count(), 0u);
}

TEST_F(TrackerLivenessTest, UnreachableIgnoredWhenTheIdNowNamesAnotherStore) {
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kOther, kNoStack);
  StoreId first = kNoStore;
  const ViewId view = tracker_.OnViewCreated(WholeView(Addr(0x1000), 100, 1), &first);
  tracker_.OnViewCollected(view);
  tracker_.OnStoreFreed(Addr(0x1000));
  // The slot is reused by a new store at another address.
  tracker_.OnStoreAllocated(Addr(0x2000), 200, StoreOrigin::kOther, kNoStack);
  StoreId second = kNoStore;
  tracker_.OnViewCreated(WholeView(Addr(0x2000), 200, 2), &second);
  ASSERT_EQ(first, second);

  tracker_.OnStoreUnreachable(first, Addr(0x1000));  // the old ArrayBuffer's late callback
  EXPECT_EQ(tracker_.TakeSnapshot().stores.size(), 1u);
  tracker_.OnStoreUnreachable(second, Addr(0x2000));
  EXPECT_TRUE(tracker_.TakeSnapshot().stores.empty());
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
      EXPECT_EQ(store.record.origin, StoreOrigin::kOther);
      EXPECT_EQ(store.record.stack, kNoStack);
    } else {
      EXPECT_EQ(store.record.origin, StoreOrigin::kBufferCall);
      EXPECT_EQ(store.record.stack, 9u);
    }
  }
}

}  // namespace
}  // namespace slab_hunter
