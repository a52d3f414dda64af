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

}  // namespace
}  // namespace slab_hunter
