#include "tracker/core/analysis.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace slab_hunter {

namespace {

// Whether a record created at `created` counts at `now`: recent enough to belong to this
// tracking session, and old enough that it should have been collected by now.
bool Counts(int64_t created, int64_t now, const AnalysisOptions& options) {
  if (created < options.created_since_nanos) return false;
  return now - created >= options.leak_cutoff_nanos;
}

// One entry per StackId, in first-seen order until the final sort.
template <typename Entry>
Entry& EntryFor(StackId stack, std::vector<Entry>& entries,
                absl::flat_hash_map<StackId, size_t>& index) {
  const auto [it, inserted] = index.try_emplace(stack, entries.size());
  if (inserted) {
    entries.emplace_back();
    entries.back().stack = stack;
  }
  return entries[it->second];
}

void FindBigBufferLeaks(const Snapshot& snapshot, const AnalysisOptions& options,
                        LeakOverview& overview) {
  absl::flat_hash_map<StackId, size_t> index;
  for (const Snapshot::LiveStore& live : snapshot.stores) {
    const StoreRecord& store = live.record;
    // Pool slabs are shared by many small Buffers; their waste is what the slab analysis finds.
    if (store.origin != StoreOrigin::kBufferCall) continue;
    if (store.size < options.big_buffer_cutoff) continue;
    if (!Counts(store.created_nanos, snapshot.taken_nanos, options)) continue;
    BigBufferLeak& entry = EntryFor(store.stack, overview.big_buffer_leaks, index);
    ++entry.amount;
    entry.total_size += static_cast<double>(store.size);
  }
  std::sort(overview.big_buffer_leaks.begin(), overview.big_buffer_leaks.end(),
            [](const BigBufferLeak& a, const BigBufferLeak& b) {
              if (a.total_size != b.total_size) return a.total_size > b.total_size;
              return a.stack < b.stack;
            });
  for (const BigBufferLeak& entry : overview.big_buffer_leaks) {
    overview.total_big_buffer_leaks += entry.total_size;
  }
}

void FindSlabLeaks(const Snapshot& snapshot, const AnalysisOptions& options,
                   LeakOverview& overview) {
  absl::flat_hash_map<StoreId, const StoreRecord*> stores;
  stores.reserve(snapshot.stores.size());
  for (const Snapshot::LiveStore& live : snapshot.stores) stores.emplace(live.id, &live.record);

  absl::flat_hash_map<StackId, size_t> index;
  for (const Snapshot::LiveView& live : snapshot.views) {
    const ViewRecord& view = live.record;
    if (view.store == kNoStore) continue;  // bytes on the JS heap retain no slab
    const auto it = stores.find(view.store);
    if (it == stores.end()) continue;
    const StoreRecord& store = *it->second;
    if (!Counts(view.created_nanos, snapshot.taken_nanos, options)) continue;
    // size >= ratio * length, written as a division so huge lengths cannot overflow; for
    // integers floor(size / ratio) >= length is the same test.
    if (store.size / kSlabRetainerRatio < view.length) continue;
    const double leaked = static_cast<double>(store.size - view.length);
    // Several views keeping one slab alive share the blame for it.
    const double sharers = static_cast<double>(std::max<uint32_t>(store.live_views, 1));
    SlabLeak& entry = EntryFor(view.stack, overview.slab_leaks, index);
    ++entry.amount;
    entry.total_leaked_bytes += leaked;
    entry.normalised_total_leaked_bytes += leaked / sharers;
  }
  std::sort(overview.slab_leaks.begin(), overview.slab_leaks.end(),
            [](const SlabLeak& a, const SlabLeak& b) {
              if (a.normalised_total_leaked_bytes != b.normalised_total_leaked_bytes) {
                return a.normalised_total_leaked_bytes > b.normalised_total_leaked_bytes;
              }
              return a.stack < b.stack;
            });
  for (const SlabLeak& entry : overview.slab_leaks) {
    overview.total_slab_leaks += entry.normalised_total_leaked_bytes;
  }
}

}  // namespace

LeakOverview Analyze(const Snapshot& snapshot, const AnalysisOptions& options) {
  LeakOverview overview;
  FindBigBufferLeaks(snapshot, options, overview);
  FindSlabLeaks(snapshot, options, overview);
  return overview;
}

}  // namespace slab_hunter
