// ThreadOverview: one thread's part of a report that covers several threads (Node's Workers):
// its analysis and the tables its StackIds name, since every thread interns its own stacks.
#ifndef SLAB_HUNTER_TRACKER_CORE_THREAD_OVERVIEW_H_
#define SLAB_HUNTER_TRACKER_CORE_THREAD_OVERVIEW_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"

namespace slab_hunter {

// Where a thread was when the report was made.
enum class ThreadState : uint8_t {
  kRunning,     // the thread making the report
  kEnded,       // ended before the report: its entries are what it held when it ended
  kStopped,     // still running at the end of the run: stopped, its entries what it held then
  kUnanswered,  // did not stop in time: no overview, not in the report
};

// "running", "ended", "stopped", "unanswered".
std::string_view ThreadStateName(ThreadState state);

struct ThreadOverview {
  int64_t thread_id = 0;  // as Node numbers threads: 0 the main thread, worker.threadId others
  ThreadState state = ThreadState::kRunning;
  const LeakOverview* overview = nullptr;  // null for kUnanswered
  const FrameTable* frames = nullptr;
  const StackTree* stacks = nullptr;
};

// An entry of one thread's overview.
template <typename Leak>
struct ThreadEntry {
  const Leak* leak;
  const ThreadOverview* thread;
};

// Every thread's entries of one kind in one list, in each list's order (big buffers by total
// size, slab entries by normalised total, descending); ties keep the threads' order.
std::vector<ThreadEntry<BigBufferLeak>> BigBufferLeaksOf(absl::Span<const ThreadOverview> threads);
std::vector<ThreadEntry<SlabLeak>> SlabLeaksOf(absl::Span<const ThreadOverview> threads);

// Whether an entry of a thread other than the main one is in `threads`.
bool HasWorkerEntries(absl::Span<const ThreadOverview> threads);

// An overview with no entries whose totals are the sums of every thread's.
// Adds `from`'s sampling to `into`'s (LeakOverview::sample_interval and sample_seed).
void MergeSampling(const LeakOverview& from, LeakOverview& into);

LeakOverview TotalsOf(absl::Span<const ThreadOverview> threads);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_THREAD_OVERVIEW_H_
