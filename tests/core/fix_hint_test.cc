#include "tracker/core/fix_hint.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

TEST(FixHintTextTest, OneLineOfAdvicePerHint) {
  EXPECT_EQ(FixHintText(FixHint::kNone), "");
  EXPECT_EQ(FixHintText(FixHint::kCopyOut),
            "copy the part you keep out of the big buffer: Buffer.from(view), so the rest can "
            "be freed");
  EXPECT_EQ(FixHintText(FixHint::kUnslab),
            "copy long-lived buffers out of the shared pool (Buffer.allocUnsafeSlow(n) + copy, "
            "or the unslab package)");
  EXPECT_EQ(FixHintText(FixHint::kAllocUnsafeSlow),
            "allocate long-lived buffers with Buffer.allocUnsafeSlow(), which does not use the "
            "shared pool");
  for (const FixHint hint : {FixHint::kCopyOut, FixHint::kUnslab, FixHint::kAllocUnsafeSlow}) {
    EXPECT_EQ(FixHintText(hint).find('\n'), std::string_view::npos);
  }
}

TEST(FixHintNameTest, JsonNames) {
  EXPECT_EQ(FixHintName(FixHint::kNone), "");
  EXPECT_EQ(FixHintName(FixHint::kCopyOut), "copy-out");
  EXPECT_EQ(FixHintName(FixHint::kUnslab), "unslab");
  EXPECT_EQ(FixHintName(FixHint::kAllocUnsafeSlow), "alloc-unsafe-slow");
}

TEST(HintForApiCountsTest, MajorityThenLowerApi) {
  std::vector<uint64_t> counts(kViewApiCount, 0);
  counts[static_cast<size_t>(ViewApi::kSlice)] = 3;
  counts[static_cast<size_t>(ViewApi::kFrom)] = 2;
  EXPECT_EQ(HintForApiCounts(counts), FixHint::kCopyOut);
  counts[static_cast<size_t>(ViewApi::kFrom)] = 3;  // tie: kFrom is the lower ViewApi
  EXPECT_EQ(HintForApiCounts(counts), FixHint::kUnslab);
  counts[static_cast<size_t>(ViewApi::kAllocUnsafe)] = 3;
  EXPECT_EQ(HintForApiCounts(counts), FixHint::kAllocUnsafeSlow);
}

}  // namespace
}  // namespace slab_hunter
