#include "tracker/core/tracker.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/testing.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;
using ::slab_hunter::testing::ViewOf;


constexpr StackId kStackA = 11;
constexpr StackId kStackB = 22;


std::optional<Snapshot::LiveStore> FindStore(const Snapshot& snapshot, uintptr_t address) {
  for (const auto& store : snapshot.stores) {
    if (store.record.address == address) return store;
  }
  return std::nullopt;
}

std::optional<Snapshot::LiveView> FindView(const Snapshot& snapshot, ViewId id) {
  for (const auto& view : snapshot.views) {
    if (view.id == id) return view;
  }
  return std::nullopt;
}

class TrackerTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'000'000};
  Tracker tracker_{&clock_};
};

TEST_F(TrackerTest, PendingStoreCoveredPartlyBecomesPoolSlab) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  clock_.AdvanceMillis(5);
  const ViewId view = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 100, kStackA));

  const Snapshot snapshot = tracker_.TakeSnapshot();
  const auto store = FindStore(snapshot, 0x1000);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(store->record.origin, StoreOrigin::kPoolSlab);
  EXPECT_EQ(store->record.stack, kStackA);
  EXPECT_EQ(store->record.size, 8192u);
  EXPECT_EQ(store->record.created_nanos, 1'000'000);  // allocation time, not view time
  EXPECT_EQ(store->record.live_views, 1u);

  const auto live_view = FindView(snapshot, view);
  ASSERT_TRUE(live_view.has_value());
  EXPECT_EQ(live_view->record.store, store->id);
  EXPECT_EQ(live_view->record.length, 100u);
  EXPECT_EQ(live_view->record.created_nanos, 6'000'000);
  EXPECT_EQ(live_view->record.stack, kStackA);
}

TEST_F(TrackerTest, PendingStoreAtNonZeroOffsetIsPoolSlabEvenIfLengthMatches) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 8, 8192, kStackA));
  EXPECT_EQ(FindStore(tracker_.TakeSnapshot(), 0x1000)->record.origin, StoreOrigin::kPoolSlab);
}

TEST_F(TrackerTest, PendingStoreCoveredWhollyBecomesBufferCall) {
  tracker_.OnStoreAllocated(Addr(0x1000), 10000, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x1000), 10000, 0, 10000, kStackA));
  const auto store = FindStore(tracker_.TakeSnapshot(), 0x1000);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(store->record.origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(store->record.stack, kStackA);
}

TEST_F(TrackerTest, OtherPendingStoresBecomeBufferCallAndKnownStoreKeepsOrigin) {
  tracker_.OnStoreAllocated(Addr(0x2000), 8192, StoreOrigin::kOther, kNoStack);
  tracker_.OnStoreAllocated(Addr(0x1000), 5000, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x2000), 8192, 0, 10, kStackB));

  const Snapshot snapshot = tracker_.TakeSnapshot();
  const auto pending = FindStore(snapshot, 0x1000);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->record.origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(pending->record.stack, kStackB);
  EXPECT_EQ(pending->record.live_views, 0u);
  const auto other = FindStore(snapshot, 0x2000);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->record.origin, StoreOrigin::kOther);
  EXPECT_EQ(other->record.stack, kNoStack);
  EXPECT_EQ(other->record.live_views, 1u);
}

TEST_F(TrackerTest, PendingListIsClearedByTheFirstView) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 100, kStackA));
  tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 100, 8092, kStackB));
  const auto store = FindStore(tracker_.TakeSnapshot(), 0x1000);
  EXPECT_EQ(store->record.origin, StoreOrigin::kPoolSlab);
  EXPECT_EQ(store->record.stack, kStackA);
  EXPECT_EQ(store->record.live_views, 2u);
}

TEST_F(TrackerTest, ViewOfUnknownStoreCreatesBeforeTrackingRecord) {
  clock_.AdvanceMillis(1);
  tracker_.OnViewCreated(ViewOf(Addr(0x3000), 4096, 0, 4096, kStackA));
  EXPECT_EQ(tracker_.live_store_count(), 1u);
  const auto store = FindStore(tracker_.TakeSnapshot(), 0x3000);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(store->record.origin, StoreOrigin::kBeforeTracking);
  EXPECT_EQ(store->record.size, 4096u);
  EXPECT_EQ(store->record.stack, kNoStack);
  EXPECT_EQ(store->record.created_nanos, 2'000'000);
  EXPECT_EQ(store->record.live_views, 1u);
}

TEST_F(TrackerTest, HeapViewHasNoStore) {
  const ViewId id = tracker_.OnViewCreated(ViewOf(nullptr, 0, 0, 16, kStackA, ViewApi::kFrom));
  EXPECT_EQ(tracker_.live_store_count(), 0u);
  EXPECT_EQ(tracker_.live_view_count(), 1u);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  EXPECT_TRUE(snapshot.stores.empty());
  const auto view = FindView(snapshot, id);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->record.store, kNoStore);
  EXPECT_EQ(view->record.api, ViewApi::kFrom);
}

TEST_F(TrackerTest, FreeForgetsAddressSoItCanBeReused) {
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kOther, kStackA);
  tracker_.OnStoreFreed(Addr(0x1000));
  EXPECT_EQ(tracker_.live_store_count(), 0u);
  EXPECT_TRUE(tracker_.TakeSnapshot().stores.empty());

  clock_.AdvanceMillis(1);
  tracker_.OnStoreAllocated(Addr(0x1000), 200, StoreOrigin::kOther, kStackB);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.size, 200u);
  EXPECT_EQ(snapshot.stores[0].record.stack, kStackB);
  EXPECT_EQ(snapshot.stores[0].record.created_nanos, 2'000'000);
}

TEST_F(TrackerTest, UnknownFreeAndReallocAreIgnored) {
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kOther, kStackA);
  tracker_.OnStoreFreed(Addr(0x9000));
  tracker_.OnStoreReallocated(Addr(0x9000), Addr(0x1000), 5);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.size, 100u);
}

TEST_F(TrackerTest, FreedPendingStoreIsNotResolved) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnStoreFreed(Addr(0x1000));
  // The slot may be reused by this allocation; it must not be treated as still pending.
  tracker_.OnStoreAllocated(Addr(0x2000), 64, StoreOrigin::kOther, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x2000), 64, 0, 64, kStackA));
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.origin, StoreOrigin::kOther);
  EXPECT_EQ(snapshot.stores[0].record.stack, kNoStack);
}

TEST_F(TrackerTest, AllocationAtStillMappedAddressRetiresStaleRecord) {
  // A free the hooks never saw: the new allocation must not leave two live stores at 0x1000.
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnStoreAllocated(Addr(0x1000), 200, StoreOrigin::kOther, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x1000), 200, 0, 10, kStackA));
  EXPECT_EQ(tracker_.live_store_count(), 1u);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  EXPECT_EQ(snapshot.stores[0].record.size, 200u);
  EXPECT_EQ(snapshot.stores[0].record.origin, StoreOrigin::kOther);
}

TEST_F(TrackerTest, ReallocMovesRecordToNewAddress) {
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnViewCreated(ViewOf(Addr(0x1000), 100, 0, 100, kStackA));
  clock_.AdvanceMillis(1);
  tracker_.OnStoreReallocated(Addr(0x1000), Addr(0x5000), 300);

  // The old address is no longer known...
  tracker_.OnStoreFreed(Addr(0x1000));
  EXPECT_EQ(tracker_.live_store_count(), 1u);
  // ...and a view of the new one finds the moved record rather than making a kOther one.
  tracker_.OnViewCreated(ViewOf(Addr(0x5000), 300, 0, 300, kStackB));
  EXPECT_EQ(tracker_.live_store_count(), 1u);

  const Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), 1u);
  const StoreRecord& record = snapshot.stores[0].record;
  EXPECT_EQ(record.address, 0x5000u);
  EXPECT_EQ(record.size, 300u);
  EXPECT_EQ(record.origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(record.stack, kStackA);
  EXPECT_EQ(record.created_nanos, 1'000'000);
  EXPECT_EQ(record.live_views, 2u);

  tracker_.OnStoreFreed(Addr(0x5000));
  EXPECT_EQ(tracker_.live_store_count(), 0u);
}

TEST_F(TrackerTest, ReallocInPlaceChangesSize) {
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kOther, kNoStack);
  tracker_.OnStoreReallocated(Addr(0x1000), Addr(0x1000), 50);
  const auto store = FindStore(tracker_.TakeSnapshot(), 0x1000);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(store->record.size, 50u);
}

TEST_F(TrackerTest, ViewCollectedBeforeStoreFreedReleasesSlotOnFree) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kOther, kNoStack);
  const ViewId view = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 10, kStackA));
  const StoreId store_id = FindStore(tracker_.TakeSnapshot(), 0x1000)->id;

  tracker_.OnViewCollected(view);
  EXPECT_EQ(tracker_.live_view_count(), 0u);
  EXPECT_EQ(FindStore(tracker_.TakeSnapshot(), 0x1000)->record.live_views, 0u);

  tracker_.OnStoreFreed(Addr(0x1000));
  tracker_.OnStoreAllocated(Addr(0x2000), 1, StoreOrigin::kOther, kNoStack);
  EXPECT_EQ(FindStore(tracker_.TakeSnapshot(), 0x2000)->id, store_id);
}

TEST_F(TrackerTest, StoreFreedBeforeViewCollectedKeepsSlotUntilLastView) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kOther, kNoStack);
  const ViewId view = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 10, kStackA));
  const StoreId store_id = FindStore(tracker_.TakeSnapshot(), 0x1000)->id;

  tracker_.OnStoreFreed(Addr(0x1000));
  // The view of a freed store is still counted as live but no longer reported.
  EXPECT_EQ(tracker_.live_view_count(), 1u);
  Snapshot snapshot = tracker_.TakeSnapshot();
  EXPECT_TRUE(snapshot.stores.empty());
  EXPECT_TRUE(snapshot.views.empty());

  // The slot is still held by the view.
  tracker_.OnStoreAllocated(Addr(0x2000), 1, StoreOrigin::kOther, kNoStack);
  EXPECT_NE(FindStore(tracker_.TakeSnapshot(), 0x2000)->id, store_id);

  tracker_.OnViewCollected(view);
  EXPECT_EQ(tracker_.live_view_count(), 0u);
  tracker_.OnStoreAllocated(Addr(0x3000), 1, StoreOrigin::kOther, kNoStack);
  EXPECT_EQ(FindStore(tracker_.TakeSnapshot(), 0x3000)->id, store_id);
  // Only the slot came back, not the freed record.
  EXPECT_EQ(tracker_.live_store_count(), 2u);
}

TEST_F(TrackerTest, UnknownAndRepeatedCollectionsAreHarmless) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kOther, kNoStack);
  const ViewId first = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 10, kStackA));
  const ViewId second = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 10, 10, kStackA));
  tracker_.OnViewCollected(12345);
  tracker_.OnViewCollected(first);
  tracker_.OnViewCollected(first);
  EXPECT_EQ(tracker_.live_view_count(), 1u);
  const Snapshot snapshot = tracker_.TakeSnapshot();
  EXPECT_EQ(FindStore(snapshot, 0x1000)->record.live_views, 1u);
  ASSERT_EQ(snapshot.views.size(), 1u);
  EXPECT_EQ(snapshot.views[0].id, second);

  // The collected view's slot is reused.
  const ViewId third = tracker_.OnViewCreated(ViewOf(nullptr, 0, 0, 4, kStackB));
  EXPECT_EQ(third, first);
  EXPECT_EQ(tracker_.live_view_count(), 2u);
}

TEST_F(TrackerTest, SnapshotHoldsLiveRecordsAndTime) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  const ViewId a = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 100, kStackA));
  tracker_.OnStoreAllocated(Addr(0x2000), 10, StoreOrigin::kOther, kNoStack);
  const ViewId heap = tracker_.OnViewCreated(ViewOf(nullptr, 0, 0, 3, kStackB));
  tracker_.OnStoreAllocated(Addr(0x3000), 10, StoreOrigin::kOther, kNoStack);
  tracker_.OnStoreFreed(Addr(0x3000));
  clock_.AdvanceMillis(250);

  const Snapshot snapshot = tracker_.TakeSnapshot();
  EXPECT_EQ(snapshot.taken_nanos, 251'000'000);
  EXPECT_EQ(snapshot.stores.size(), 2u);
  EXPECT_TRUE(FindStore(snapshot, 0x1000).has_value());
  EXPECT_TRUE(FindStore(snapshot, 0x2000).has_value());
  EXPECT_FALSE(FindStore(snapshot, 0x3000).has_value());
  EXPECT_EQ(snapshot.views.size(), 2u);
  EXPECT_TRUE(FindView(snapshot, a).has_value());
  EXPECT_TRUE(FindView(snapshot, heap).has_value());
  EXPECT_EQ(tracker_.live_store_count(), 2u);
  EXPECT_EQ(tracker_.live_view_count(), 2u);
}

TEST_F(TrackerTest, RewriteStacksInUseVisitsLiveRecordsOnlyAndKeepsTheirRewrite) {
  constexpr StackId kStackC = 33;
  constexpr StackId kStackGone = 44;
  // A live store, a pending store, a view of a live store, a view on the JS heap; a freed store
  // and a collected view, whose stacks no live record uses.
  tracker_.OnStoreAllocated(Addr(0x1000), 100, StoreOrigin::kOther, kStackA);
  tracker_.OnStoreAllocated(Addr(0x2000), 100, StoreOrigin::kOther, kStackGone);
  tracker_.OnStoreFreed(Addr(0x2000));
  const ViewId gone = tracker_.OnViewCreated(ViewOf(nullptr, 0, 0, 4, kStackGone));
  tracker_.OnViewCollected(gone);
  const ViewId view = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 100, 0, 10, kStackB));
  const ViewId heap = tracker_.OnViewCreated(ViewOf(nullptr, 0, 0, 4, kStackC));
  tracker_.OnStoreAllocated(Addr(0x3000), 8192, StoreOrigin::kPendingCall, kNoStack);

  std::vector<StackId> seen;
  tracker_.RewriteStacksInUse([&](absl::Span<StackId* const> in_use) {
    for (StackId* id : in_use) {
      seen.push_back(*id);
      *id += 100;
    }
  });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<StackId>{kNoStack, kStackA, kStackB, kStackC}));

  const Snapshot snapshot = tracker_.TakeSnapshot();
  EXPECT_EQ(FindStore(snapshot, 0x1000)->record.stack, kStackA + 100);
  EXPECT_EQ(FindView(snapshot, view)->record.stack, kStackB + 100);
  EXPECT_EQ(FindView(snapshot, heap)->record.stack, kStackC + 100);
  // The pending store is still pending: the next view gives it its stack.
  tracker_.OnViewCreated(ViewOf(Addr(0x3000), 8192, 0, 10, kStackA));
  EXPECT_EQ(FindStore(tracker_.TakeSnapshot(), 0x3000)->record.stack, kStackA);
}

// Offsets and lengths past 4 GiB (Node 24 makes Buffers that large) are kept exactly, and a
// reused view slot does not inherit them.
TEST_F(TrackerTest, ViewsPastFourGibKeepTheirOffsetAndLength) {
  constexpr size_t kFiveGib = size_t{5} << 30;
  const ViewId wide = tracker_.OnViewCreated(
      ViewOf(Addr(0x1000), 2 * kFiveGib, kFiveGib + 3, kFiveGib - 1, kStackA, ViewApi::kFrom));
  const ViewId narrow = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 2 * kFiveGib, 7, 9, kStackB));
  Snapshot snapshot = tracker_.TakeSnapshot();
  ASSERT_TRUE(FindView(snapshot, wide).has_value());
  EXPECT_EQ(FindView(snapshot, wide)->record.offset, kFiveGib + 3);
  EXPECT_EQ(FindView(snapshot, wide)->record.length, kFiveGib - 1);
  EXPECT_EQ(FindView(snapshot, wide)->record.api, ViewApi::kFrom);
  EXPECT_EQ(FindView(snapshot, narrow)->record.offset, 7u);
  EXPECT_EQ(FindView(snapshot, narrow)->record.length, 9u);

  tracker_.OnViewCollected(wide);
  const ViewId reused = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 2 * kFiveGib, 1, 2, kStackB));
  ASSERT_EQ(reused, wide);
  snapshot = tracker_.TakeSnapshot();
  EXPECT_EQ(FindView(snapshot, reused)->record.offset, 1u);
  EXPECT_EQ(FindView(snapshot, reused)->record.length, 2u);

  // An offset alone past 4 GiB, then detached: the view holds nothing.
  const ViewId far = tracker_.OnViewCreated(
      ViewOf(Addr(0x1000), 2 * kFiveGib, kFiveGib, 16, kStackA));
  EXPECT_EQ(FindView(tracker_.TakeSnapshot(), far)->record.offset, kFiveGib);
  EXPECT_EQ(FindView(tracker_.TakeSnapshot(), far)->record.length, 16u);
  tracker_.OnViewDetached(far);
  EXPECT_EQ(FindView(tracker_.TakeSnapshot(), far)->record.offset, 0u);
  EXPECT_EQ(FindView(tracker_.TakeSnapshot(), far)->record.length, 0u);
}

// View times keep their nanoseconds (points and cut-offs compare them).
TEST_F(TrackerTest, ViewCreationTimeKeepsNanoseconds) {
  clock_.AdvanceNanos(1234567);
  const ViewId view = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 10, kStackA));
  EXPECT_EQ(FindView(tracker_.TakeSnapshot(), view)->record.created_nanos, 1'000'000 + 1234567);
}

// Views collected in a batch (a sweep of cleared handles) are retired as one by one would be:
// their store's count drops, and a freed store's slot is given back once none names it.
TEST_F(TrackerTest, ViewsCollectedTogetherReleaseTheirStore) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  const ViewId first = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 0, 10, kStackA));
  const ViewId second = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 10, 10, kStackB));
  const ViewId kept = tracker_.OnViewCreated(ViewOf(Addr(0x1000), 8192, 20, 10, kStackB));
  tracker_.OnStoreFreed(Addr(0x1000));
  const std::vector<ViewId> collected = {first, second, first};  // a repeat is ignored
  tracker_.OnViewsCollected(collected);
  EXPECT_EQ(tracker_.live_view_count(), 1u);
  tracker_.OnViewCollected(kept);
  EXPECT_EQ(tracker_.live_view_count(), 0u);
  // The freed store's slot was given back: the next store reuses id and view ids alike.
  tracker_.OnStoreAllocated(Addr(0x2000), 100, StoreOrigin::kOther, kStackA);
  EXPECT_EQ(tracker_.TakeSnapshot().stores.at(0).id, 0u);
  EXPECT_EQ(tracker_.OnViewCreated(ViewOf(Addr(0x2000), 100, 0, 100, kStackA)), kept);
}

}  // namespace
}  // namespace slab_hunter
