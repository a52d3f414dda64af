// Retainers, unreferenced bytes and fix hints on scenarios whose answers are known by hand.
#include "tracker/core/retention.h"

#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include <algorithm>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/analysis.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;
using ::slab_hunter::testing::kSecond;
using ::slab_hunter::testing::ViewOf;

constexpr StackId kChunkSite = 3;
constexpr StackId kKeySite = 4;
constexpr StackId kSiteA = 5;
constexpr StackId kSiteB = 6;

using Flat = std::tuple<StackId, uint64_t, double>;

// Retainer has no operator== of its own; tuples print readably when a test fails.
std::vector<Flat> Flatten(const std::vector<Retainer>& retainers) {
  std::vector<Flat> out;
  for (const Retainer& r : retainers) out.emplace_back(r.stack, r.amount, r.bytes);
  return out;
}

TEST(UnreferencedBytesTest, UnionOfRanges) {
  EXPECT_EQ(UnreferencedBytes(1000, {}), 1000);
  EXPECT_EQ(UnreferencedBytes(1000, {{0, 100}, {50, 100}}), 850);   // overlap counted once
  EXPECT_EQ(UnreferencedBytes(1000, {{50, 100}, {0, 100}}), 850);   // in any order
  EXPECT_EQ(UnreferencedBytes(1000, {{0, 500}, {100, 10}}), 500);   // nested
  EXPECT_EQ(UnreferencedBytes(1000, {{0, 100}, {100, 100}}), 800);  // adjacent
  EXPECT_EQ(UnreferencedBytes(1000, {{0, 10}, {990, 10}}), 980);    // disjoint
  EXPECT_EQ(UnreferencedBytes(1000, {{0, 10}, {0, 10}}), 990);      // the same range twice
  EXPECT_EQ(UnreferencedBytes(1000, {{500, 0}}), 1000);             // empty view
  EXPECT_EQ(UnreferencedBytes(1000, {{0, 1000}}), 0);
}

TEST(UnreferencedBytesTest, RangesPastTheStoreAreClipped) {
  EXPECT_EQ(UnreferencedBytes(100, {{90, 50}}), 90);
  EXPECT_EQ(UnreferencedBytes(100, {{200, 50}}), 100);
  EXPECT_EQ(UnreferencedBytes(100, {{10, std::numeric_limits<size_t>::max()}}), 10);
}

class RetentionTest : public ::testing::Test {
 protected:
  // Buffer.allocUnsafe(size) past the pool's limit; returns its full-length view.
  ViewId NewBigBuffer(uintptr_t address, size_t size, StackId stack) {
    tracker_.OnStoreAllocated(Addr(address), size, StoreOrigin::kPendingCall, kNoStack);
    return tracker_.OnViewCreated(ViewOf(address, size, 0, size, stack, ViewApi::kAllocUnsafe));
  }
  // A pooled call that starts a new pool slab of `slab_size` bytes.
  void NewSlabWithView(uintptr_t address, size_t slab_size, size_t length, StackId stack,
                       ViewApi api) {
    tracker_.OnStoreAllocated(Addr(address), slab_size, StoreOrigin::kPendingCall, kNoStack);
    tracker_.OnViewCreated(ViewOf(address, slab_size, 0, length, stack, api));
  }
  void View(uintptr_t address, size_t store_size, size_t offset, size_t length, StackId stack,
            ViewApi api) {
    tracker_.OnViewCreated(ViewOf(address, store_size, offset, length, stack, api));
  }
  LeakOverview AnalyzeNow() { return Analyze(tracker_.TakeSnapshot(), AnalysisOptions()); }
  const SlabLeak* SlabAt(const LeakOverview& overview, StackId stack) {
    for (const SlabLeak& entry : overview.slab_leaks) {
      if (entry.stack == stack) return &entry;
    }
    return nullptr;
  }

  ManualClock clock_{100 * kSecond};
  Tracker tracker_{&clock_};
};

// The README's second leak: 16-byte keys sliced out of 64 KiB reads, the reads themselves gone.
TEST_F(RetentionTest, BigChunksKeptOnlyBySubarrays) {
  for (uintptr_t i = 1; i <= 5; ++i) {
    const uintptr_t address = 0x100000 * i;
    const ViewId chunk = NewBigBuffer(address, 65536, kChunkSite);
    View(address, 65536, 8, 16, kKeySite, ViewApi::kSubarray);  // chunk.subarray(8, 24)
    tracker_.OnViewCollected(chunk);
  }
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  const double unreferenced = 5.0 * (65536 - 16);

  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  const BigBufferLeak& big = overview.big_buffer_leaks[0];
  EXPECT_EQ(big.stack, kChunkSite);
  EXPECT_EQ(big.amount, 5u);
  EXPECT_DOUBLE_EQ(big.total_size, 327680);
  EXPECT_EQ(Flatten(big.retainers), (std::vector<Flat>{{kKeySite, 5, 80}}));
  EXPECT_DOUBLE_EQ(big.unreferenced_bytes, unreferenced);
  EXPECT_EQ(big.hint, FixHint::kCopyOut);

  // The keys are slab leaks of the same stores: the stores are counted once in the total.
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  const SlabLeak& keys = overview.slab_leaks[0];
  EXPECT_EQ(keys.stack, kKeySite);
  EXPECT_EQ(Flatten(keys.retainers), (std::vector<Flat>{{kKeySite, 5, 80}}));
  EXPECT_DOUBLE_EQ(keys.unreferenced_bytes, unreferenced);
  EXPECT_EQ(keys.hint, FixHint::kCopyOut);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, unreferenced);
  // Both entries name the same five stores, each once.
  EXPECT_EQ(big.stores.size(), 5u);
  EXPECT_EQ(keys.stores, big.stores);
  EXPECT_TRUE(std::is_sorted(big.stores.begin(), big.stores.end()));
}

TEST_F(RetentionTest, StoreBehindBigAndSlabEntriesCountedOnce) {
  const ViewId chunk = NewBigBuffer(0x100000, 65536, kChunkSite);
  View(0x100000, 65536, 0, 16, kSiteA, ViewApi::kSubarray);
  View(0x100000, 65536, 100, 16, kSiteB, ViewApi::kSlice);
  tracker_.OnViewCollected(chunk);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();

  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].unreferenced_bytes, 65504);
  ASSERT_EQ(overview.slab_leaks.size(), 2u);
  // Each view takes half of the store's unreferenced bytes.
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].unreferenced_bytes, 32752);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[1].unreferenced_bytes, 32752);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, 65504);
}

TEST_F(RetentionTest, BigBufferKeptWholeNeedsNoFix) {
  NewBigBuffer(0x100000, 10000, kChunkSite);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  const BigBufferLeak& big = overview.big_buffer_leaks[0];
  EXPECT_EQ(Flatten(big.retainers), (std::vector<Flat>{{kChunkSite, 1, 10000}}));
  EXPECT_DOUBLE_EQ(big.unreferenced_bytes, 0);
  EXPECT_EQ(big.hint, FixHint::kNone);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, 0);
}

TEST_F(RetentionTest, BigBufferAlsoKeptBySubarrayGetsCopyOut) {
  NewBigBuffer(0x100000, 10000, kChunkSite);
  View(0x100000, 10000, 0, 10, kKeySite, ViewApi::kSubarray);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(Flatten(overview.big_buffer_leaks[0].retainers),
            (std::vector<Flat>{{kChunkSite, 1, 10000}, {kKeySite, 1, 10}}));
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].unreferenced_bytes, 0);
  EXPECT_EQ(overview.big_buffer_leaks[0].hint, FixHint::kCopyOut);
}

TEST_F(RetentionTest, BigStoreWithNoLiveViewIsWhollyUnreferenced) {
  tracker_.OnViewCollected(NewBigBuffer(0x100000, 10000, kChunkSite));
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_TRUE(overview.big_buffer_leaks[0].retainers.empty());
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].unreferenced_bytes, 10000);
  EXPECT_EQ(overview.big_buffer_leaks[0].hint, FixHint::kNone);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, 10000);
}

TEST_F(RetentionTest, OverlappingViewsCountOnce) {
  // A store from before tracking began: no big buffer, but both views are slab leaks of it.
  View(0x10000, 1000, 0, 100, kSiteA, ViewApi::kSubarray);
  View(0x10000, 1000, 50, 100, kSiteB, ViewApi::kSubarray);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  EXPECT_TRUE(overview.big_buffer_leaks.empty());
  ASSERT_EQ(overview.slab_leaks.size(), 2u);
  for (const SlabLeak& entry : overview.slab_leaks) {
    EXPECT_DOUBLE_EQ(entry.unreferenced_bytes, 425);
    EXPECT_EQ(Flatten(entry.retainers),
              (std::vector<Flat>{{kSiteA, 1, 100}, {kSiteB, 1, 100}}));
  }
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, 850);
}

TEST_F(RetentionTest, PoolSlabSharedByTwoSitesListsBoth) {
  NewSlabWithView(0x10000, 8192, 100, kSiteA, ViewApi::kAllocUnsafe);
  View(0x10000, 8192, 100, 100, kSiteB, ViewApi::kAllocUnsafe);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.slab_leaks.size(), 2u);
  for (const SlabLeak& entry : overview.slab_leaks) {
    EXPECT_EQ(Flatten(entry.retainers),
              (std::vector<Flat>{{kSiteA, 1, 100}, {kSiteB, 1, 100}}));
    EXPECT_DOUBLE_EQ(entry.unreferenced_bytes, 3996);
    EXPECT_EQ(entry.hint, FixHint::kAllocUnsafeSlow);
  }
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, 7992);
}

TEST_F(RetentionTest, YoungViewsRetainTooButTakeNoEntry) {
  NewSlabWithView(0x10000, 8192, 100, kSiteA, ViewApi::kFrom);
  clock_.AdvanceNanos(60 * kSecond);
  View(0x10000, 8192, 100, 100, kSiteB, ViewApi::kFrom);  // too young to be reported
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  const SlabLeak& entry = overview.slab_leaks[0];
  EXPECT_EQ(entry.stack, kSiteA);
  EXPECT_EQ(Flatten(entry.retainers), (std::vector<Flat>{{kSiteA, 1, 100}, {kSiteB, 1, 100}}));
  // Its share is half; the total is the whole store's, once.
  EXPECT_DOUBLE_EQ(entry.unreferenced_bytes, 3996);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, 7992);
  EXPECT_EQ(entry.hint, FixHint::kUnslab);
}

TEST_F(RetentionTest, HintPerApi) {
  const std::pair<ViewApi, FixHint> cases[] = {
      {ViewApi::kAllocUnsafe, FixHint::kAllocUnsafeSlow},
      {ViewApi::kAllocUnsafeSlow, FixHint::kCopyOut},
      {ViewApi::kAlloc, FixHint::kCopyOut},
      {ViewApi::kFrom, FixHint::kUnslab},
      {ViewApi::kConcat, FixHint::kUnslab},
      {ViewApi::kSubarray, FixHint::kCopyOut},
      {ViewApi::kSlice, FixHint::kCopyOut},
  };
  StackId stack = 100;
  for (const auto& [api, hint] : cases) {
    NewSlabWithView(0x10000 * stack, 8192, 100, stack, api);
    ++stack;
  }
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  stack = 100;
  for (const auto& [api, hint] : cases) {
    const SlabLeak* entry = SlabAt(overview, stack++);
    ASSERT_NE(entry, nullptr) << ViewApiName(api);
    EXPECT_EQ(entry->hint, hint) << ViewApiName(api);
  }
}

TEST_F(RetentionTest, HintFollowsTheMajorityApiTiesToTheLowerOne) {
  // Site A: two from() and one allocUnsafe(). Site B: one allocUnsafe(), one from().
  // Site 7: one slice(), one concat(): concat is the lower ViewApi.
  NewSlabWithView(0x10000, 8192, 10, kSiteA, ViewApi::kFrom);
  View(0x10000, 8192, 10, 10, kSiteA, ViewApi::kFrom);
  View(0x10000, 8192, 20, 10, kSiteA, ViewApi::kAllocUnsafe);
  NewSlabWithView(0x20000, 8192, 10, kSiteB, ViewApi::kFrom);
  View(0x20000, 8192, 10, 10, kSiteB, ViewApi::kAllocUnsafe);
  NewSlabWithView(0x30000, 8192, 10, 7, ViewApi::kSlice);
  View(0x30000, 8192, 10, 10, 7, ViewApi::kConcat);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_NE(SlabAt(overview, kSiteA), nullptr);
  EXPECT_EQ(SlabAt(overview, kSiteA)->hint, FixHint::kUnslab);
  ASSERT_NE(SlabAt(overview, kSiteB), nullptr);
  EXPECT_EQ(SlabAt(overview, kSiteB)->hint, FixHint::kAllocUnsafeSlow);
  ASSERT_NE(SlabAt(overview, 7), nullptr);
  EXPECT_EQ(SlabAt(overview, 7)->hint, FixHint::kUnslab);
}

// Built by hand to control stacks and ties exactly.
TEST(RetentionIndexTest, RetainersByBytesThenAmountThenStack) {
  Snapshot snapshot;
  StoreRecord store;
  store.size = 100000;
  store.origin = StoreOrigin::kOther;
  store.live_views = 5;
  snapshot.stores.push_back({0, store});
  StoreRecord other = store;
  other.live_views = 1;
  snapshot.stores.push_back({1, other});
  auto add_view = [&](StoreId on, size_t offset, size_t length, StackId stack) {
    ViewRecord view;
    view.store = on;
    view.offset = offset;
    view.length = length;
    view.stack = stack;
    snapshot.views.push_back({static_cast<ViewId>(snapshot.views.size()), view});
  };
  add_view(0, 0, 100, 9);     // 100 bytes in one view, stack 9
  add_view(0, 0, 50, 5);      // 100 bytes in two views, stack 5: before the one-view groups
  add_view(0, 50, 50, 5);
  add_view(0, 0, 100, 3);     // ties with stack 9: the lower StackId first
  add_view(0, 1000, 300, 7);  // most bytes
  add_view(1, 0, 1, 3);       // another store: joins stack 3's group when both are asked for

  const RetentionIndex index(snapshot);
  const std::vector<Flat> one_store = {{7, 1, 300}, {5, 2, 100}, {3, 1, 100}, {9, 1, 100}};
  EXPECT_EQ(Flatten(index.RetainersOf({0})), one_store);
  EXPECT_EQ(Flatten(index.RetainersOf({0, 0})), one_store);  // a store listed twice counts once
  EXPECT_EQ(Flatten(index.RetainersOf({1, 0})),
            (std::vector<Flat>{{7, 1, 300}, {3, 2, 101}, {5, 2, 100}, {9, 1, 100}}));
  EXPECT_TRUE(index.RetainersOf({42}).empty());

  EXPECT_EQ(Flatten(index.RetainersOfEach({{0}, {1}, {}})[1]),
            (std::vector<Flat>{{3, 1, 1}}));

  ASSERT_EQ(index.store_count(), 2u);
  const RetentionIndex::StoreRetention* first = index.Find(0);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->views, 5u);
  EXPECT_DOUBLE_EQ(first->unreferenced, 100000 - 100 - 300);
  EXPECT_TRUE(first->partial_view);
  ASSERT_NE(index.Find(1), nullptr);
  EXPECT_DOUBLE_EQ(index.Find(1)->unreferenced, 99999);
  EXPECT_NE(index.Find(0)->index, index.Find(1)->index);
  EXPECT_EQ(index.Find(42), nullptr);
}

TEST(RetentionIndexTest, HeapViewsAndViewsOfDeadStoresRetainNothing) {
  Snapshot snapshot;
  StoreRecord store;
  store.size = 1000;
  snapshot.stores.push_back({0, store});
  ViewRecord heap;
  heap.length = 10;
  snapshot.views.push_back({0, heap});  // store kNoStore
  ViewRecord orphan;
  orphan.store = 7;  // no live store 7
  orphan.length = 10;
  snapshot.views.push_back({1, orphan});
  const RetentionIndex index(snapshot);
  const RetentionIndex::StoreRetention* store_0 = index.Find(0);
  ASSERT_NE(store_0, nullptr);
  EXPECT_EQ(store_0->views, 0u);
  EXPECT_DOUBLE_EQ(store_0->unreferenced, 1000);
  EXPECT_FALSE(store_0->partial_view);
  EXPECT_TRUE(index.RetainersOf({0, 7}).empty());
}

}  // namespace
}  // namespace slab_hunter
