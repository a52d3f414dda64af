#include "tracker/core/stack_cache.h"

#include <vector>

#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

TEST(StackCacheTest, FindsWhatWasInsertedForTheSameSampleOnly) {
  StackCache cache;
  const std::vector<uintptr_t> a = {0x10, 0x20, 0x30};
  const std::vector<uintptr_t> b = {0x10, 0x20};
  EXPECT_FALSE(cache.Find(a).has_value());
  cache.Insert(a, 7, cache.generation());
  EXPECT_EQ(cache.Find(a), 7u);
  EXPECT_FALSE(cache.Find(b).has_value());  // a prefix is another call path
  cache.Insert(b, 8, cache.generation());
  EXPECT_EQ(cache.Find(a), 7u);
  EXPECT_EQ(cache.Find(b), 8u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(StackCacheTest, ClearForgetsEverything) {
  StackCache cache;
  const std::vector<uintptr_t> a = {1, 2};
  cache.Insert(a, 3, cache.generation());
  cache.Clear();
  EXPECT_FALSE(cache.Find(a).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(StackCacheTest, SampleTakenBeforeACollectionIsNotInserted) {
  StackCache cache;
  const std::vector<uintptr_t> a = {1, 2};
  const uint64_t generation = cache.generation();
  cache.Clear();  // a collection ran while the full capture was made
  cache.Insert(a, 3, generation);
  EXPECT_FALSE(cache.Find(a).has_value());
}

}  // namespace
}  // namespace slab_hunter
