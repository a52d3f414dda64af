// Stores made inside Buffer calls: nested calls (user code calling a Buffer API inside another
// call), calls that fail, and calls sampling leaves out.
#include <optional>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/analysis.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;
using ::slab_hunter::testing::ViewOf;

constexpr StackId kOuterSite = 11;
constexpr StackId kInnerSite = 22;

class TrackerCallsTest : public ::testing::Test {
 protected:
  std::optional<StoreRecord> StoreAt(uintptr_t address) const {
    for (const auto& store : tracker_.TakeSnapshot().stores) {
      if (store.record.address == address) return store.record;
    }
    return std::nullopt;
  }

  LeakOverview AnalyzeAll() const {
    AnalysisOptions options;
    options.leak_cutoff_nanos = 0;
    return Analyze(tracker_.TakeSnapshot(), options);
  }

  ManualClock clock_{1'000'000};
  Tracker tracker_{&clock_};
};

TEST_F(TrackerCallsTest, NestedCallClaimsOnlyItsOwnStores) {
  // Buffer.from(arrayLike) makes its 6000-byte Buffer, then a getter calls
  // Buffer.allocUnsafe(9000) (one level deeper), which returns first.
  tracker_.OnStoreAllocated(Addr(0x1000), 6000, StoreOrigin::kPendingCall, kNoStack, 0);
  tracker_.OnStoreAllocated(Addr(0x9000), 9000, StoreOrigin::kPendingCall, kNoStack, 1);
  NewView inner = ViewOf(0x9000, 9000, 0, 9000, kInnerSite);
  inner.call_level = 1;
  tracker_.OnViewCreated(inner);
  EXPECT_EQ(StoreAt(0x9000)->origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(StoreAt(0x9000)->stack, kInnerSite);
  EXPECT_EQ(StoreAt(0x1000)->origin, StoreOrigin::kPendingCall);

  tracker_.OnViewCreated(ViewOf(0x1000, 6000, 0, 6000, kOuterSite, ViewApi::kFrom));
  EXPECT_EQ(StoreAt(0x1000)->origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(StoreAt(0x1000)->stack, kOuterSite);
}

TEST_F(TrackerCallsTest, FailedNestedCallLeavesTheOuterCallsStores) {
  tracker_.OnStoreAllocated(Addr(0x1000), 6000, StoreOrigin::kPendingCall, kNoStack, 0);
  tracker_.OnStoreAllocated(Addr(0x9000), 8192, StoreOrigin::kPendingCall, kNoStack, 1);
  tracker_.OnTrackedCallFailed(1);
  EXPECT_EQ(StoreAt(0x9000)->origin, StoreOrigin::kPoolSlab);
  EXPECT_EQ(StoreAt(0x1000)->origin, StoreOrigin::kPendingCall);
  tracker_.OnViewCreated(ViewOf(0x1000, 6000, 0, 6000, kOuterSite));
  EXPECT_EQ(StoreAt(0x1000)->origin, StoreOrigin::kBufferCall);
  EXPECT_EQ(StoreAt(0x9000)->origin, StoreOrigin::kPoolSlab);
}

TEST_F(TrackerCallsTest, StoreOfAFailedCallIsNeverABigBufferLeak) {
  // The call made a new pool slab and threw; the next call's Buffer sits on that slab.
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack);
  tracker_.OnTrackedCallFailed();
  tracker_.OnViewCreated(ViewOf(0x1000, 8192, 0, 100, kOuterSite));
  EXPECT_EQ(StoreAt(0x1000)->origin, StoreOrigin::kPoolSlab);
  EXPECT_EQ(StoreAt(0x1000)->stack, kNoStack);  // the next call's view did not claim it
  const LeakOverview overview = AnalyzeAll();
  EXPECT_TRUE(overview.big_buffer_leaks.empty());
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].stack, kOuterSite);
  EXPECT_EQ(overview.slab_leaks[0].total_leaked_bytes, 8192 - 100);
}

TEST_F(TrackerCallsTest, StoresOfSampledOutCallsAreNeverBigBufferLeaks) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kNotSampled, kNoStack);
  tracker_.OnStoreAllocated(Addr(0x4000), 10000, StoreOrigin::kNotSampled, kNoStack);
  tracker_.OnStoreAllocated(Addr(0x8000), 10000, StoreOrigin::kOther, kOuterSite);
  // A tracked call's Buffer on the sampled-out call's slab.
  tracker_.OnViewCreated(ViewOf(0x1000, 8192, 200, 100, kInnerSite));
  const LeakOverview overview = AnalyzeAll();
  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  EXPECT_EQ(overview.big_buffer_leaks[0].stack, kOuterSite);
  EXPECT_EQ(overview.big_buffer_leaks[0].total_size, 10000);
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  EXPECT_EQ(overview.slab_leaks[0].stack, kInnerSite);
  EXPECT_EQ(StoreAt(0x1000)->origin, StoreOrigin::kNotSampled);
}

}  // namespace
}  // namespace slab_hunter
