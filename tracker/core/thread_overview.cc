#include "tracker/core/thread_overview.h"

#include <algorithm>

namespace slab_hunter {

std::string_view ThreadStateName(ThreadState state) {
  switch (state) {
    case ThreadState::kRunning: return "running";
    case ThreadState::kEnded: return "ended";
    case ThreadState::kStopped: return "stopped";
    case ThreadState::kUnanswered: return "unanswered";
  }
  return "unknown";
}

namespace {

template <typename Leak, typename List, typename Key>
std::vector<ThreadEntry<Leak>> Merged(absl::Span<const ThreadOverview> threads, List list,
                                      Key key) {
  std::vector<ThreadEntry<Leak>> merged;
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    for (const Leak& leak : thread.overview->*list) merged.push_back({&leak, &thread});
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [&](const ThreadEntry<Leak>& a, const ThreadEntry<Leak>& b) {
                     return key(*a.leak) > key(*b.leak);
                   });
  return merged;
}

}  // namespace

std::vector<ThreadEntry<BigBufferLeak>> BigBufferLeaksOf(absl::Span<const ThreadOverview> threads) {
  return Merged<BigBufferLeak>(threads, &LeakOverview::big_buffer_leaks,
                               [](const BigBufferLeak& leak) { return leak.total_size; });
}

std::vector<ThreadEntry<SlabLeak>> SlabLeaksOf(absl::Span<const ThreadOverview> threads) {
  return Merged<SlabLeak>(threads, &LeakOverview::slab_leaks, [](const SlabLeak& leak) {
    return leak.normalised_total_leaked_bytes;
  });
}

bool HasWorkerEntries(absl::Span<const ThreadOverview> threads) {
  for (const ThreadOverview& thread : threads) {
    if (thread.thread_id != 0 && thread.overview != nullptr &&
        (!thread.overview->big_buffer_leaks.empty() || !thread.overview->slab_leaks.empty())) {
      return true;
    }
  }
  return false;
}

void MergeSampling(const LeakOverview& from, LeakOverview& into) {
  if (!from.sampled) return;
  const bool first = !into.sampled;
  into.sample_seed = first || into.sample_seed == from.sample_seed ? from.sample_seed : std::nullopt;
  into.sample_interval = std::max(into.sample_interval, from.sample_interval);
  into.sampled = true;
}

LeakOverview TotalsOf(absl::Span<const ThreadOverview> threads) {
  LeakOverview totals;
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    totals.total_big_buffer_leaks += thread.overview->total_big_buffer_leaks;
    totals.total_slab_leaks += thread.overview->total_slab_leaks;
    totals.total_unreferenced_bytes += thread.overview->total_unreferenced_bytes;
    // Threads sample on their own: their estimates are independent, their variances add.
    totals.total_big_buffer_estimate.Add(thread.overview->total_big_buffer_estimate);
    totals.total_slab_estimate.Add(thread.overview->total_slab_estimate);
    totals.total_unreferenced_estimate.Add(thread.overview->total_unreferenced_estimate);
    MergeSampling(*thread.overview, totals);
  }
  return totals;
}

}  // namespace slab_hunter
