// The tracker under the threads it really has: allocator hooks on any thread (V8 frees stores on
// its sweeper threads) while the isolate's thread records and collects views and takes snapshots.
// Run under --config=tsan in CI; the end states are exact, so a lost update fails without it.
#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::Addr;
using ::slab_hunter::testing::ViewOf;

NewView HeapView() {
  NewView view;
  view.length = 1;
  view.stack = 11;
  return view;
}

// Where a store is in its hand-off between an allocator thread and the isolate's thread.
enum StoreState : int { kNotAllocated, kAllocated, kViewed, kFreed };

// Waits (spinning, as the threads must really run side by side) until `state` reaches `wanted`.
void AwaitState(const std::atomic<int>& state, int wanted) {
  while (state.load(std::memory_order_acquire) < wanted) std::this_thread::yield();
}

// The allocator hooks run on any thread while the isolate's thread records views; this runs
// both at once and checks that no update was lost.
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

// Views on the very stores other threads allocate and free. Store i of allocator thread t
// (size 100 + i) gets one whole view on the isolate's thread as soon as it exists; by i % 4:
//   0: view collected at once, then freed;
//   1: view detached at once (a transfer), racing the store's free; collected at the end;
//   2: view collected at once, freed, and only once its thread has made another store (which
//      takes the freed slot, or another thread's store did) the ArrayBuffer reported
//      unreachable: a late weak callback, which must leave the newer store alone (its id may
//      now name that store, in a later generation);
//   3: view kept, store never freed: what is left at the end.
TEST(TrackerThreadsTest, ViewsOnStoresOfOtherThreads) {
  ManualClock clock;
  Tracker tracker(&clock);
  constexpr int kThreads = 3;
  constexpr int kStores = 2000;
  // An allocator thread runs at most this many stores ahead of the views, so that stores are
  // still being made (and freed slots taken) all along.
  constexpr int kAhead = 8;
  const auto address = [](int t, int i) { return uintptr_t{0x10000000} * (t + 1) + 256 * i; };
  const auto size = [](int i) { return size_t{100} + i; };
  std::vector<std::vector<std::atomic<int>>> states(kThreads);
  std::vector<std::atomic<int>> allocated(kThreads);  // stores each thread has made so far
  for (auto& thread_states : states) {
    thread_states = std::vector<std::atomic<int>>(kStores);
  }

  std::vector<std::thread> allocators;
  for (int t = 0; t < kThreads; ++t) {
    allocators.emplace_back([&, t] {
      int next_to_free = 0;
      // Frees, in order, the stores whose views exist (V8 frees only what it has handed out).
      const auto free_viewed = [&](bool wait) {
        for (; next_to_free < kStores; ++next_to_free) {
          std::atomic<int>& state = states[t][next_to_free];
          if (wait) AwaitState(state, kViewed);
          if (state.load(std::memory_order_acquire) < kViewed) return;
          if (next_to_free % 4 != 3) {
            tracker.OnStoreFreed(Addr(address(t, next_to_free)));
            state.store(kFreed, std::memory_order_release);
          }
        }
      };
      for (int i = 0; i < kStores; ++i) {
        if (i >= kAhead) AwaitState(states[t][i - kAhead], kViewed);
        tracker.OnStoreAllocated(Addr(address(t, i)), size(i), StoreOrigin::kOther, kNoStack);
        states[t][i].store(kAllocated, std::memory_order_release);
        allocated[t].fetch_add(1, std::memory_order_release);
        free_viewed(/*wait=*/false);
      }
      free_viewed(/*wait=*/true);
    });
  }

  // The isolate's thread: views in the order the stores appear, round-robin over the threads.
  std::vector<ViewId> detached_views;  // i % 4 == 1, collected at the end
  std::unordered_map<ViewId, uintptr_t> kept_view_address;
  size_t views_live = 0;
  int snapshots = 0;
  struct LateReport {
    int thread;
    int index;
    ViewStore store;
    int made = -1;  // stores its thread had made when the free was seen; -1: not freed yet
  };
  std::vector<LateReport> late_reports;
  const auto report_late = [&](bool all) {
    for (auto it = late_reports.begin(); it != late_reports.end();) {
      if (it->made < 0 &&
          states[it->thread][it->index].load(std::memory_order_acquire) == kFreed) {
        it->made = allocated[it->thread].load(std::memory_order_acquire);
      }
      if (all ||
          (it->made >= 0 && allocated[it->thread].load(std::memory_order_acquire) > it->made)) {
        tracker.OnStoreUnreachable(it->store.id, it->store.generation);
        it = late_reports.erase(it);
      } else {
        ++it;
      }
    }
  };
  for (int i = 0; i < kStores; ++i) {
    for (int t = 0; t < kThreads; ++t) {
      AwaitState(states[t][i], kAllocated);
      ViewStore store;
      const ViewId view = tracker.OnViewCreated(
          ViewOf(address(t, i), size(i), 0, size(i), /*stack=*/t + 1, ViewApi::kAlloc), &store);
      EXPECT_NE(store.id, kNoStore);
      ++views_live;
      if (i % 2 == 0) {
        tracker.OnViewCollected(view);
        --views_live;
      } else if (i % 4 == 1) {
        detached_views.push_back(view);
      } else {
        kept_view_address[view] = address(t, i);
      }
      states[t][i].store(kViewed, std::memory_order_release);
      if (i % 4 == 1) tracker.OnViewDetached(view);
      if (i % 4 == 2) late_reports.push_back({t, i, store});
      report_late(/*all=*/false);
    }
    if (i % 100 == 99) {
      // Only this thread makes and collects views: their count is exact at any moment.
      EXPECT_EQ(tracker.live_view_count(), views_live);
      const Snapshot snapshot = tracker.TakeSnapshot();
      ++snapshots;
      std::unordered_map<StoreId, uintptr_t> store_address;
      for (const Snapshot::LiveStore& live : snapshot.stores) {
        store_address[live.id] = live.record.address;
      }
      // A view in a snapshot is detached (no store, no bytes) or on a live store, its own one
      // (a slot is never reused while a view names it); every store still to be kept is there.
      for (const Snapshot::LiveView& live : snapshot.views) {
        if (live.record.store == kNoStore) {
          EXPECT_EQ(live.record.length, 0u);
          continue;
        }
        EXPECT_EQ(store_address.count(live.record.store), 1u);
        if (auto it = kept_view_address.find(live.id); it != kept_view_address.end()) {
          EXPECT_EQ(store_address[live.record.store], it->second);
        }
      }
      EXPECT_GE(snapshot.views.size(), kept_view_address.size());
    }
  }
  for (const ViewId view : detached_views) tracker.OnViewCollected(view);
  for (std::thread& allocator : allocators) allocator.join();
  report_late(/*all=*/true);

  // Left: store i % 4 == 3 of each thread, with its one view.
  constexpr size_t kKept = kThreads * (kStores / 4);
  size_t kept_bytes = 0;
  std::set<uintptr_t> kept_addresses;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 3; i < kStores; i += 4) {
      kept_bytes += size(i);
      kept_addresses.insert(address(t, i));
    }
  }
  EXPECT_EQ(snapshots, kStores / 100);
  EXPECT_EQ(tracker.live_store_count(), kKept);
  EXPECT_EQ(tracker.live_view_count(), kKept);
  const Snapshot snapshot = tracker.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), kKept);
  ASSERT_EQ(snapshot.views.size(), kKept);
  size_t bytes = 0;
  std::set<uintptr_t> addresses;
  for (const Snapshot::LiveStore& live : snapshot.stores) {
    bytes += live.record.size;
    addresses.insert(live.record.address);
    EXPECT_EQ(live.record.origin, StoreOrigin::kOther);
    EXPECT_EQ(live.record.live_views, 1u);
  }
  EXPECT_EQ(bytes, kept_bytes);
  EXPECT_EQ(addresses, kept_addresses);
  size_t view_bytes = 0;
  for (const Snapshot::LiveView& live : snapshot.views) view_bytes += live.record.length;
  EXPECT_EQ(view_bytes, kept_bytes);
}

// One address handed out again and again by an allocator thread (as malloc does), each store
// viewed on the isolate's thread before its free, every view kept: a view must stay with the
// store it was made on, never with the next store at its address.
TEST(TrackerThreadsTest, AddressReusedWhileViewsOfOldStoresLive) {
  ManualClock clock;
  Tracker tracker(&clock);
  constexpr int kRounds = 300;
  constexpr int kSlots = 8;
  const auto address = [](int slot) { return uintptr_t{0x20000000} + 4096 * slot; };
  const auto size = [](int round) { return size_t{1000} + round; };
  std::vector<std::atomic<int>> states(kRounds * kSlots);

  std::thread allocator([&] {
    for (int round = 0; round < kRounds; ++round) {
      for (int slot = 0; slot < kSlots; ++slot) {
        if (round > 0) {
          // The old store at this address is freed once viewed; the new one takes its place.
          AwaitState(states[(round - 1) * kSlots + slot], kViewed);
          tracker.OnStoreFreed(Addr(address(slot)));
        }
        tracker.OnStoreAllocated(Addr(address(slot)), size(round), StoreOrigin::kOther,
                                 kNoStack);
        states[round * kSlots + slot].store(kAllocated, std::memory_order_release);
      }
    }
  });

  std::vector<ViewId> views;
  std::set<StoreId> stores;
  for (int round = 0; round < kRounds; ++round) {
    for (int slot = 0; slot < kSlots; ++slot) {
      AwaitState(states[round * kSlots + slot], kAllocated);
      ViewStore store;
      views.push_back(tracker.OnViewCreated(
          ViewOf(address(slot), size(round), 0, 16, /*stack=*/7, ViewApi::kFrom), &store));
      stores.insert(store.id);
      states[round * kSlots + slot].store(kViewed, std::memory_order_release);
    }
    if (round % 50 == 49) {
      // The views of freed stores are left out; the others are on the current stores.
      for (const Snapshot::LiveStore& live : tracker.TakeSnapshot().stores) {
        EXPECT_GE(live.record.size, size(round));
      }
    }
  }
  allocator.join();

  // Each store kept its own id while its view lived: no id was reused.
  EXPECT_EQ(stores.size(), static_cast<size_t>(kRounds * kSlots));
  EXPECT_EQ(tracker.live_store_count(), static_cast<size_t>(kSlots));
  EXPECT_EQ(tracker.live_view_count(), static_cast<size_t>(kRounds * kSlots));
  Snapshot snapshot = tracker.TakeSnapshot();
  ASSERT_EQ(snapshot.stores.size(), static_cast<size_t>(kSlots));
  ASSERT_EQ(snapshot.views.size(), static_cast<size_t>(kSlots));
  for (const Snapshot::LiveStore& live : snapshot.stores) {
    EXPECT_EQ(live.record.size, size(kRounds - 1));
    EXPECT_EQ(live.record.live_views, 1u);
  }
  const std::set<ViewId> last_round(views.end() - kSlots, views.end());
  std::set<ViewId> snapshot_views;
  for (const Snapshot::LiveView& live : snapshot.views) snapshot_views.insert(live.id);
  EXPECT_EQ(snapshot_views, last_round);

  // Collecting the views frees the old stores' slots; the live stores stay.
  for (const ViewId view : views) tracker.OnViewCollected(view);
  EXPECT_EQ(tracker.live_view_count(), 0u);
  snapshot = tracker.TakeSnapshot();
  EXPECT_EQ(snapshot.stores.size(), static_cast<size_t>(kSlots));
  EXPECT_TRUE(snapshot.views.empty());
}

}  // namespace
}  // namespace slab_hunter
