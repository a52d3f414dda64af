#include "tracker/core/sampling.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/analysis.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;
using ::slab_hunter::testing::kSecond;
using ::slab_hunter::testing::ViewOf;

TEST(SampleProbabilityTest, IsOneMinusExpOfSizeOverInterval) {
  EXPECT_DOUBLE_EQ(SampleProbability(8192, 0), 1.0);
  EXPECT_DOUBLE_EQ(SampleProbability(8192, 65536), 1 - std::exp(-0.125));
  EXPECT_DOUBLE_EQ(SampleProbability(1 << 20, 1 << 20), 1 - std::exp(-1.0));
}

// 200,000 stores of 8 KiB at a mean interval of 64 KiB: the sampled fraction is within 4
// standard deviations of 1 - exp(-1/8) = 0.1175, and each weight is 1 / that.
TEST(ByteSamplerTest, SamplesEachStoreWithItsProbability) {
  ByteSampler sampler(65536, 42);
  const int kStores = 200000;
  int sampled = 0;
  for (int i = 0; i < kStores; ++i) {
    const ByteSampler::Decision decision = sampler.Next(8192);
    if (!decision.sampled) continue;
    ++sampled;
    EXPECT_FLOAT_EQ(decision.weight, static_cast<float>(1 / (1 - std::exp(-0.125))));
  }
  const double p = 1 - std::exp(-0.125);
  const double sd = std::sqrt(kStores * p * (1 - p));
  EXPECT_NEAR(sampled, kStores * p, 4 * sd);
}

// A store of more than the interval is sampled more often than one of less, in proportion
// to 1 - exp(-size / interval): 10 MiB stores at 1 MiB are (almost) always sampled.
TEST(ByteSamplerTest, BigStoresAreAlmostAlwaysSampled) {
  ByteSampler sampler(1 << 20, 7);
  int sampled = 0;
  for (int i = 0; i < 1000; ++i) sampled += sampler.Next(10 << 20).sampled;
  EXPECT_GE(sampled, 999);  // each is missed with probability exp(-10) = 4.5e-5
}

TEST(ByteSamplerTest, SameSeedSameDecisionsOtherSeedOthers) {
  auto run = [](uint64_t seed) {
    ByteSampler sampler(32768, seed);
    std::vector<bool> decisions;
    for (int i = 0; i < 2000; ++i) decisions.push_back(sampler.Next(64 + (i % 7) * 1000).sampled);
    return decisions;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

TEST(ByteSamplerTest, NoIntervalSamplesEverythingWithWeightOne) {
  ByteSampler sampler(0, 1);
  const ByteSampler::Decision decision = sampler.Next(10);
  EXPECT_TRUE(decision.sampled);
  EXPECT_EQ(decision.weight, 1.0f);
}

// Two stores kept with probabilities 1/2 and 1/4 (weights 2 and 4), holding 100 and 10: the
// estimate is 2*100 + 4*10, its variance (2-1)*2*100^2 + (4-1)*4*10^2.
TEST(EstimateTest, HorvitzThompsonSumAndVariance) {
  Estimate estimate;
  estimate.AddStore(100, 2);
  estimate.AddStore(10, 4);
  EXPECT_DOUBLE_EQ(estimate.value, 240);
  EXPECT_DOUBLE_EQ(estimate.observed, 110);
  EXPECT_DOUBLE_EQ(estimate.variance, 20000 + 1200);
  const double half_width = 1.959963984540054 * std::sqrt(21200.0);
  EXPECT_DOUBLE_EQ(estimate.High(), 240 + half_width);
  // 240 - 285.4 is below what was seen: the interval starts there.
  EXPECT_DOUBLE_EQ(estimate.Low(), 110);
}

// Nothing sampled: all of B bytes are missed with probability exp(-B / interval), so the 95%
// interval of any total of them reaches ln(20) x interval; something sampled: no change.
TEST(EstimateTest, NothingSampledBoundsWhatWasMissed) {
  Estimate none;
  none.BoundUnseen(262144);
  EXPECT_DOUBLE_EQ(none.value, 0);
  EXPECT_DOUBLE_EQ(none.Low(), 0);
  EXPECT_NEAR(none.High(), std::log(20.0) * 262144, 1e-6);
  Estimate some;
  some.AddStore(100, 2);
  const double high = some.High();
  some.BoundUnseen(262144);
  EXPECT_DOUBLE_EQ(some.High(), high);
}

TEST(EstimateTest, UnsampledIsExact) {
  Estimate estimate;
  estimate.AddStore(100, 1);
  estimate.AddStore(7, 1);
  EXPECT_DOUBLE_EQ(estimate.value, 107);
  EXPECT_DOUBLE_EQ(estimate.Low(), 107);
  EXPECT_DOUBLE_EQ(estimate.High(), 107);
}

// Analysis weights each sampled store by its weight; the views on one store are one unit.
class SampledAnalysisTest : public ::testing::Test {
 protected:
  ManualClock clock_{100 * kSecond};
  Tracker tracker_{&clock_};
};

TEST_F(SampledAnalysisTest, SlabEntryCountsEachStoreOnceWithItsViews) {
  constexpr StackId kSite = 3;
  // Two sampled slabs of 8192 bytes, weight 4 (p = 1/4); three 100-byte views on the first,
  // one on the second.
  for (uintptr_t slab : {0x10000u, 0x20000u}) {
    tracker_.OnStoreAllocated(Addr(slab), 8192, StoreOrigin::kPendingCall, kNoStack, 0, 4.0f);
  }
  for (int i = 0; i < 3; ++i) tracker_.OnViewCreated(ViewOf(0x10000, 8192, 100 * i, 100, kSite));
  tracker_.OnViewCreated(ViewOf(0x20000, 8192, 0, 100, kSite));
  clock_.AdvanceNanos(60 * kSecond);
  AnalysisOptions options;
  options.sample_interval = 1;  // any: the weights are the records'
  const LeakOverview overview = Analyze(tracker_.TakeSnapshot(), options);

  ASSERT_TRUE(overview.sampled);
  ASSERT_EQ(overview.slab_leaks.size(), 1u);
  const SlabLeak& leak = overview.slab_leaks[0];
  EXPECT_EQ(leak.amount, 16u);  // 4 views x 4
  EXPECT_DOUBLE_EQ(leak.amount_estimate.observed, 4);
  // Units: 3 views and 1 view, each times (4-1)*4.
  EXPECT_DOUBLE_EQ(leak.amount_estimate.variance, 12 * (3 * 3 + 1 * 1));
  EXPECT_DOUBLE_EQ(leak.total_leaked_bytes, 4 * 4 * 8092.0);
  // Normalised: each slab's views split it: the first slab 3 x 8092/3, the second 8092.
  EXPECT_DOUBLE_EQ(leak.normalised_total_leaked_bytes, 4 * 2 * 8092.0);
  EXPECT_DOUBLE_EQ(leak.normalised_estimate.variance, 12 * 2 * 8092.0 * 8092.0);
  EXPECT_DOUBLE_EQ(overview.total_slab_leaks, 4 * 2 * 8092.0);
  EXPECT_DOUBLE_EQ(overview.total_slab_estimate.variance, 12 * 2 * 8092.0 * 8092.0);
  // The retainers are estimated too: 4 views seen, each store's counting 4 times.
  ASSERT_EQ(leak.retainers.size(), 1u);
  EXPECT_EQ(leak.retainers[0].amount, 16u);
  EXPECT_DOUBLE_EQ(leak.retainers[0].bytes, 16 * 100.0);
}

TEST_F(SampledAnalysisTest, BigBufferEntryWeighsEachStore) {
  constexpr StackId kSite = 4;
  tracker_.OnStoreAllocated(Addr(0x100000), 10000, StoreOrigin::kPendingCall, kNoStack, 0, 2.0f);
  tracker_.OnViewCreated(ViewOf(0x100000, 10000, 0, 10000, kSite));
  tracker_.OnStoreAllocated(Addr(0x200000), 30000, StoreOrigin::kPendingCall, kNoStack, 0, 1.0f);
  tracker_.OnViewCreated(ViewOf(0x200000, 30000, 0, 30000, kSite));
  // Left out by sampling: never reported.
  tracker_.OnStoreAllocated(Addr(0x300000), 50000, StoreOrigin::kNotSampled, kNoStack);
  clock_.AdvanceNanos(60 * kSecond);
  AnalysisOptions options;
  options.sample_interval = 1;
  const LeakOverview overview = Analyze(tracker_.TakeSnapshot(), options);

  ASSERT_EQ(overview.big_buffer_leaks.size(), 1u);
  const BigBufferLeak& leak = overview.big_buffer_leaks[0];
  EXPECT_EQ(leak.amount, 3u);
  EXPECT_DOUBLE_EQ(leak.total_size, 2 * 10000.0 + 30000);
  EXPECT_DOUBLE_EQ(leak.total_size_estimate.variance, 2 * 10000.0 * 10000);
  EXPECT_DOUBLE_EQ(leak.total_size_estimate.observed, 40000);
  EXPECT_DOUBLE_EQ(overview.total_big_buffer_leaks, 50000);
}

TEST_F(SampledAnalysisTest, SampleWeightOfTellsSampledLeftOutAndUnknown) {
  tracker_.OnStoreAllocated(Addr(0x1000), 8192, StoreOrigin::kPendingCall, kNoStack, 0, 3.0f);
  tracker_.OnStoreAllocated(Addr(0x4000), 8192, StoreOrigin::kNotSampled, kNoStack);
  EXPECT_EQ(tracker_.SampleWeightOf(Addr(0x1000), 8192), 3.0f);
  EXPECT_EQ(tracker_.SampleWeightOf(Addr(0x4000), 8192), 0.0f);
  EXPECT_EQ(tracker_.SampleWeightOf(Addr(0x1000), 4096), std::nullopt);  // another store
  EXPECT_EQ(tracker_.SampleWeightOf(Addr(0x9000), 8192), std::nullopt);
}

}  // namespace
}  // namespace slab_hunter
