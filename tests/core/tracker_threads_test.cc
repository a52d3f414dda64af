#include <cstdint>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {
namespace {

const void* Addr(uintptr_t address) { return reinterpret_cast<const void*>(address); }

NewView HeapView() {
  NewView view;
  view.length = 1;
  view.stack = 11;
  return view;
}

// The allocator hooks run on any thread while the isolate's thread records views; this runs
// both at once (best under a sanitizer) and checks that no update was lost.
TEST(TrackerThreadsTest, ConcurrentAllocatorAndViewHooks) {
  ManualClock clock;
  Tracker tracker(&clock);
  constexpr int kThreads = 4;
  constexpr int kRounds = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&tracker, t] {
      // Each thread owns its own address range; every store but the last of each is freed.
      for (int i = 0; i < kRounds; ++i) {
        const void* data = Addr(0x100000 * (t + 1) + 16 * i);
        tracker.OnStoreAllocated(data, 64, StoreOrigin::kOther, kNoStack);
        if (i + 1 < kRounds) tracker.OnStoreFreed(data);
      }
    });
  }
  std::vector<ViewId> views;
  for (int i = 0; i < kRounds; ++i) {
    views.push_back(tracker.OnViewCreated(HeapView()));
    if (i % 2 == 0) tracker.OnViewCollected(views.back());
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(tracker.live_store_count(), static_cast<size_t>(kThreads));
  EXPECT_EQ(tracker.live_view_count(), static_cast<size_t>(kRounds / 2));
  EXPECT_EQ(tracker.TakeSnapshot().stores.size(), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace slab_hunter
