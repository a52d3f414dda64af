#include "tracker/core/analysis.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "tests/core/testing.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;
using ::slab_hunter::testing::kSecond;
using ::slab_hunter::testing::ViewOf;

constexpr StackId kSlabSite = 3;
constexpr StackId kBigSite = 4;
constexpr StackId kOtherSite = 5;

class AnalysisTest : public ::testing::Test {
 protected:
  // What Buffer.allocUnsafe(length) does when it starts a new pool slab of `slab_size` bytes.
  void NewSlabWithView(uintptr_t address, size_t slab_size, size_t length, StackId stack) {
    tracker_.OnStoreAllocated(Addr(address), slab_size, StoreOrigin::kPendingCall, kNoStack);
    tracker_.OnViewCreated(ViewOf(address, slab_size, 0, length, stack));
  }
  // What Buffer.allocUnsafe(size) does for a size past the pool's limit.
  // Native stores that no list of Node's own may hide, whatever it says of 0x50000: one a view
  // of the program's sits on (64 KiB, 16 bytes viewed), and one of 60000 bytes Node neither
  // keeps nor hands over (a socket's chunk, a message's Buffer the program keeps).
  void NewNativeStoresAlwaysReported() {
    tracker_.OnStoreAllocated(Addr(0x50000), 65536, StoreOrigin::kOther, kNoStack);
    tracker_.OnViewCreated(ViewOf(0x50000, 65536, 0, 16, kSlabSite));
    tracker_.OnStoreAllocated(Addr(0x70000), 60000, StoreOrigin::kOther, kNoStack);
  }

  void NewBigBuffer(uintptr_t address, size_t size, StackId stack) {
    tracker_.OnStoreAllocated(Addr(address), size, StoreOrigin::kPendingCall, kNoStack);
    tracker_.OnViewCreated(ViewOf(address, size, 0, size, stack));
  }
  LeakOverview AnalyzeNow(const AnalysisOptions& options = AnalysisOptions()) {
    return Analyze(tracker_.TakeSnapshot(), options);
  }

  ManualClock clock_{100 * kSecond};
  Tracker tracker_{&clock_};
};

TEST_F(AnalysisTest, SeedScenarioTenViewsEachOnItsOwnSlab) {
  for (int i = 0; i < 10; ++i) NewSlabWithView(0x10000 * (i + 1), 8192, 100, kSlabSite);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();

  EXPECT_TRUE(overview.big_buffer_leaks.empty());
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  const SlabLeak& leak = overview.slab_leaks[0];
  EXPECT_EQ(leak.stack, kSlabSite);
  EXPECT_EQ(leak.amount, 10u);
  EXPECT_DOUBLE_EQ(leak.total_leaked_bytes, 10.0 * (8192 - 100));
  EXPECT_DOUBLE_EQ(leak.normalised_total_leaked_bytes, 10.0 * (8192 - 100));
  EXPECT_DOUBLE_EQ(overview.total_slab_leaks, 10.0 * (8192 - 100));
  EXPECT_DOUBLE_EQ(overview.total_big_buffer_leaks, 0);
}

TEST_F(AnalysisTest, TwoViewsOnOneSlabShareTheBlame) {
  NewSlabWithView(0x10000, 8192, 100, kSlabSite);
  tracker_.OnViewCreated(ViewOf(0x10000, 8192, 100, 100, kSlabSite));
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();

  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].amount, 2u);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].total_leaked_bytes, 2.0 * 8092);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].normalised_total_leaked_bytes, 8092);
}

TEST_F(AnalysisTest, CollectedViewNoLongerSharesTheSlab) {
  NewSlabWithView(0x10000, 8192, 100, kSlabSite);
  const ViewId other = tracker_.OnViewCreated(ViewOf(0x10000, 8192, 100, 100, kOtherSite));
  tracker_.OnViewCollected(other);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].stack, kSlabSite);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].normalised_total_leaked_bytes, 8092);
}

TEST_F(AnalysisTest, BigBuffersGroupedBySite) {
  for (int i = 0; i < 10; ++i) NewBigBuffer(0x100000 * (i + 1), 10000, kBigSite);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();

  EXPECT_TRUE(overview.slab_leaks.empty());
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kBigSite);
  EXPECT_EQ(overview.big_buffer_leaks[0].amount, 10u);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].total_size, 100000);
  EXPECT_DOUBLE_EQ(overview.total_big_buffer_leaks, 100000);
  EXPECT_DOUBLE_EQ(overview.total_slab_leaks, 0);
}

TEST_F(AnalysisTest, BigBufferCutoffIsInclusive) {
  NewBigBuffer(0x100000, 3999, kOtherSite);
  NewBigBuffer(0x200000, 4000, kBigSite);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kBigSite);
}

TEST_F(AnalysisTest, PoolSlabIsNeverABigBuffer) {
  NewSlabWithView(0x10000, 8192, 8000, kSlabSite);  // too big a view to be a slab leak either
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  EXPECT_TRUE(overview.big_buffer_leaks.empty());
  EXPECT_TRUE(overview.slab_leaks.empty());
}

TEST_F(AnalysisTest, StoresMadeOutsideBufferCallsAreBigBufferCandidates) {
  // new ArrayBuffer(10000) at kOtherSite, and a native read with no JS on the stack.
  tracker_.OnStoreAllocated(Addr(0x20000), 10000, StoreOrigin::kOther, kOtherSite);
  tracker_.OnStoreAllocated(Addr(0x30000), 65536, StoreOrigin::kOther, kNoStack);
  tracker_.OnStoreAllocated(Addr(0x40000), 3999, StoreOrigin::kOther, kOtherSite);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.big_buffer_leaks.size(), 2u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kNoStack);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].total_size, 65536);
  EXPECT_EQ(overview.big_buffer_leaks[1].stack, kOtherSite);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[1].total_size, 10000);
}

TEST_F(AnalysisTest, StoreNodeKeepsIsLeftOutOnlyWhileNothingSaysJsHasIt) {
  // Node's read buffer, kept for the next read (no JS ran, no view): left out.
  tracker_.OnStoreAllocated(Addr(0x30000), 65536, StoreOrigin::kOther, kNoStack);
  // Listed too, but JS code made it: reported.
  tracker_.OnStoreAllocated(Addr(0x60000), 20000, StoreOrigin::kOther, kOtherSite);
  NewNativeStoresAlwaysReported();  // 0x50000 listed too
  clock_.AdvanceNanos(60 * kSecond);
  AnalysisOptions options;
  options.kept_by_node = {0x30000, 0x50000, 0x60000};
  const LeakOverview overview = AnalyzeNow(options);

  ASSERT_EQ(overview.big_buffer_leaks.size(), 2u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kNoStack);
  EXPECT_EQ(overview.big_buffer_leaks[0].amount, 2u);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].total_size, 65536 + 60000);
  EXPECT_EQ(overview.big_buffer_leaks[1].stack, kOtherSite);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[1].total_size, 20000);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, (65536 - 16) + 60000 + 20000);
}

TEST_F(AnalysisTest, SerializedErrorIsLeftOutWhileNoViewSitsOnIt) {
  // Another thread's error as Node hands it over: made natively, or with Node's JS on the
  // stack (as it handles a Worker's exit). Both left out.
  tracker_.OnStoreAllocated(Addr(0x30000), 65536, StoreOrigin::kOther, kNoStack);
  tracker_.OnStoreAllocated(Addr(0x40000), 65536, StoreOrigin::kOther, kOtherSite);
  NewNativeStoresAlwaysReported();  // 0x50000 listed too
  clock_.AdvanceNanos(60 * kSecond);
  AnalysisOptions options;
  options.serialized_errors = {0x30000, 0x40000, 0x50000};
  const LeakOverview overview = AnalyzeNow(options);

  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kNoStack);
  EXPECT_EQ(overview.big_buffer_leaks[0].amount, 2u);
  EXPECT_DOUBLE_EQ(overview.big_buffer_leaks[0].total_size, 65536 + 60000);
  EXPECT_DOUBLE_EQ(overview.total_unreferenced_bytes, (65536 - 16) + 60000);
}

TEST_F(AnalysisTest, AgeCutoffIncludesExactlyOldEnough) {
  NewSlabWithView(0x10000, 8192, 100, kSlabSite);
  NewBigBuffer(0x100000, 10000, kBigSite);
  clock_.AdvanceNanos(1);
  NewSlabWithView(0x20000, 8192, 100, kOtherSite);
  NewBigBuffer(0x200000, 10000, kOtherSite);
  clock_.AdvanceNanos(60 * kSecond - 1);

  // The first records are exactly 60 s old, the second ones 1 ns younger.
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].stack, kSlabSite);
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kBigSite);

  clock_.AdvanceNanos(1);
  const LeakOverview later = AnalyzeNow();
  EXPECT_EQ(later.slab_leaks.size(), 2u);
  EXPECT_EQ(later.big_buffer_leaks.size(), 2u);
}

TEST_F(AnalysisTest, ShorterCutoffOption) {
  NewSlabWithView(0x10000, 8192, 100, kSlabSite);
  clock_.AdvanceNanos(kSecond);
  AnalysisOptions options;
  EXPECT_TRUE(AnalyzeNow(options).slab_leaks.empty());
  options.leak_cutoff_nanos = kSecond;
  EXPECT_EQ(AnalyzeNow(options).slab_leaks.size(), 1u);
}

TEST_F(AnalysisTest, RecordsBeforeCreatedSinceIgnored) {
  NewSlabWithView(0x10000, 8192, 100, kOtherSite);
  NewBigBuffer(0x100000, 10000, kOtherSite);
  clock_.AdvanceNanos(kSecond);
  const int64_t since = clock_.NowNanos();
  NewSlabWithView(0x20000, 8192, 100, kSlabSite);
  NewBigBuffer(0x200000, 10000, kBigSite);
  clock_.AdvanceNanos(60 * kSecond);

  AnalysisOptions options;
  options.created_since_nanos = since;
  const LeakOverview overview = AnalyzeNow(options);
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].stack, kSlabSite);
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kBigSite);
}

TEST_F(AnalysisTest, SlabRatioBoundary) {
  // 8190 >= 10 x 819 but not 10 x 820; an empty view retains the whole slab.
  NewSlabWithView(0x10000, 8190, 819, kSlabSite);
  NewSlabWithView(0x20000, 8190, 820, kOtherSite);
  NewSlabWithView(0x30000, 8190, 0, kBigSite);
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  ASSERT_EQ(overview.slab_leaks.size(), 2u);
  // Sorted by normalised bytes: the empty view (8190) before the 819-byte one (7371).
  EXPECT_EQ(overview.slab_leaks[0].stack, kBigSite);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].total_leaked_bytes, 8190);
  EXPECT_EQ(overview.slab_leaks[1].stack, kSlabSite);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[1].total_leaked_bytes, 8190 - 819);
  EXPECT_DOUBLE_EQ(overview.total_slab_leaks, 8190 + 8190 - 819);
}

TEST_F(AnalysisTest, HeapViewsAndFreedStoresAreNoLeaks) {
  NewView heap;
  heap.length = 1;
  heap.stack = kOtherSite;
  tracker_.OnViewCreated(heap);
  NewSlabWithView(0x10000, 8192, 1, kSlabSite);
  tracker_.OnStoreFreed(Addr(0x10000));
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  EXPECT_TRUE(overview.slab_leaks.empty());
  EXPECT_TRUE(overview.big_buffer_leaks.empty());
}

TEST_F(AnalysisTest, ViewOfUntrackedStoreCanBeASlabLeak) {
  // A store from before tracking began: no big buffer, but its small view retains it.
  tracker_.OnViewCreated(ViewOf(0x10000, 65536, 0, 10, kSlabSite));
  clock_.AdvanceNanos(60 * kSecond);
  const LeakOverview overview = AnalyzeNow();
  EXPECT_TRUE(overview.big_buffer_leaks.empty());
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].total_leaked_bytes, 65526);
}

// Built by hand to control ids and ties exactly.
TEST(AnalyzeSortTest, DescendingWithTiesByStackId) {
  Snapshot snapshot;
  snapshot.taken_nanos = 1000 * kSecond;
  auto add_store = [&](StoreId id, size_t size, StackId stack, StoreOrigin origin,
                       uint32_t live_views) {
    StoreRecord record;
    record.address = 0x1000 * (id + 1);
    record.size = size;
    record.stack = stack;
    record.origin = origin;
    record.live_views = live_views;
    snapshot.stores.push_back({id, record});
  };
  auto add_view = [&](ViewId id, StoreId store, size_t length, StackId stack) {
    ViewRecord record;
    record.store = store;
    record.length = length;
    record.stack = stack;
    snapshot.views.push_back({id, record});
  };
  add_store(0, 5000, 9, StoreOrigin::kBufferCall, 0);
  add_store(1, 6000, 7, StoreOrigin::kBufferCall, 0);
  add_store(2, 6000, 8, StoreOrigin::kBufferCall, 0);
  add_store(3, 1100, 30, StoreOrigin::kPoolSlab, 1);
  add_store(4, 1100, 20, StoreOrigin::kPoolSlab, 1);
  add_store(5, 2200, 10, StoreOrigin::kPoolSlab, 2);
  add_view(0, 3, 100, 30);
  add_view(1, 4, 100, 20);
  add_view(2, 5, 200, 10);
  add_view(3, 5, 200, 10);

  const LeakOverview overview = Analyze(snapshot, AnalysisOptions());
  ASSERT_EQ(overview.big_buffer_leaks.size(), 3u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, 7u);
  EXPECT_EQ(overview.big_buffer_leaks[1].stack, 8u);
  EXPECT_EQ(overview.big_buffer_leaks[2].stack, 9u);
  EXPECT_DOUBLE_EQ(overview.total_big_buffer_leaks, 17000);

  ASSERT_EQ(overview.slab_leaks.size(), 3u);
  // Stack 10: two views of one 2200-byte store: 2 x 2000 leaked, 2000 normalised; the others
  // 1000 each, so stack 10 comes first and 20 before 30 on the tie.
  EXPECT_EQ(overview.slab_leaks[0].stack, 10u);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].total_leaked_bytes, 4000);
  EXPECT_DOUBLE_EQ(overview.slab_leaks[0].normalised_total_leaked_bytes, 2000);
  EXPECT_EQ(overview.slab_leaks[1].stack, 20u);
  EXPECT_EQ(overview.slab_leaks[2].stack, 30u);
  EXPECT_DOUBLE_EQ(overview.total_slab_leaks, 4000);
}

TEST(AnalyzeSortTest, EmptySnapshot) {
  const LeakOverview overview = Analyze(Snapshot(), AnalysisOptions());
  EXPECT_TRUE(overview.big_buffer_leaks.empty());
  EXPECT_TRUE(overview.slab_leaks.empty());
  EXPECT_EQ(overview.total_big_buffer_leaks, 0);
  EXPECT_EQ(overview.total_slab_leaks, 0);
}

}  // namespace
}  // namespace slab_hunter
