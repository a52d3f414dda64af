#include "tracker/core/records.h"

#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

TEST(ViewApiNameTest, SpelledAsInJs) {
  EXPECT_EQ(ViewApiName(ViewApi::kAllocUnsafe), "allocUnsafe");
  EXPECT_EQ(ViewApiName(ViewApi::kAllocUnsafeSlow), "allocUnsafeSlow");
  EXPECT_EQ(ViewApiName(ViewApi::kAlloc), "alloc");
  EXPECT_EQ(ViewApiName(ViewApi::kFrom), "from");
  EXPECT_EQ(ViewApiName(ViewApi::kConcat), "concat");
  EXPECT_EQ(ViewApiName(ViewApi::kSubarray), "subarray");
  EXPECT_EQ(ViewApiName(ViewApi::kSlice), "slice");
}

TEST(ViewApiFromNameTest, MapsEachNameBack) {
  for (int i = 0; i < kViewApiCount; ++i) {
    const auto api = static_cast<ViewApi>(i);
    EXPECT_EQ(ViewApiFromName(ViewApiName(api)), api) << ViewApiName(api);
  }
  EXPECT_EQ(ViewApiFromName("Subarray"), std::nullopt);
  EXPECT_EQ(ViewApiFromName(""), std::nullopt);
  EXPECT_EQ(ViewApiFromName("toString"), std::nullopt);
}

}  // namespace
}  // namespace slab_hunter
