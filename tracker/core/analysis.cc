#include "tracker/core/analysis.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace slab_hunter {

namespace {

// Whether a record created at `created` counts at `now`: recent enough to belong to this
// tracking session, and old enough that it should have been collected by now.
bool Counts(int64_t created, int64_t now, const AnalysisOptions& options) {
  if (created < options.created_since_nanos) return false;
  return now - created >= options.leak_cutoff_nanos;
}

bool Listed(const std::vector<uintptr_t>& addresses, uintptr_t address) {
  return std::find(addresses.begin(), addresses.end(), address) != addresses.end();
}

// A store Node keeps for its own reuse (AnalysisOptions::kept_by_node), or one it reads another
// thread's error from (AnalysisOptions::serialized_errors): Node's, not the program's. The
// conditions besides the address keep it from ever hiding a store a view holds, or, for a kept
// store (known by its address only), one JS code made.
bool NodesOwn(const StoreRecord& store, const AnalysisOptions& options) {
  if (store.origin != StoreOrigin::kOther || store.live_views != 0) return false;
  if (Listed(options.serialized_errors, store.address)) return true;
  return store.stack == kNoStack && Listed(options.kept_by_node, store.address);
}

// The index of the entry for `stack`, one per StackId, in first-seen order until the final sort.
template <typename Entry>
size_t EntryIndex(StackId stack, std::vector<Entry>& entries,
                  absl::flat_hash_map<StackId, size_t>& index) {
  const auto [it, inserted] = index.try_emplace(stack, entries.size());
  if (inserted) {
    entries.emplace_back();
    entries.back().stack = stack;
  }
  return it->second;
}

// Per entry, indexed like the entries before they are sorted: the stores its retainers are
// found on. May repeat a store (a slab entry can have several views on one store).
using EntryStores = std::vector<std::vector<StoreId>>;

// Adds a store's unreferenced bytes to the overview's total the first time an entry names it:
// a store behind a big-buffer entry and a slab entry (or two slab entries) is one allocation.
class BackingStores {
 public:
  explicit BackingStores(const RetentionIndex& retention) : seen_(retention.store_count()) {}
  void Add(const RetentionIndex::StoreRetention& store, LeakOverview& overview) {
    if (seen_[store.index]) return;
    seen_[store.index] = true;
    overview.total_unreferenced_bytes += store.unreferenced;
  }

 private:
  std::vector<bool> seen_;
};

std::vector<StoreId> SortedUnique(std::vector<StoreId> stores) {
  std::sort(stores.begin(), stores.end());
  stores.erase(std::unique(stores.begin(), stores.end()), stores.end());
  return stores;
}

void FindBigBufferLeaks(const Snapshot& snapshot, const AnalysisOptions& options,
                        const RetentionIndex& retention, LeakOverview& overview,
                        BackingStores& backing) {
  absl::flat_hash_map<StackId, size_t> index;
  EntryStores stores_of;
  for (const Snapshot::LiveStore& live : snapshot.stores) {
    const StoreRecord& store = live.record;
    // Pool slabs are shared by many small Buffers; their waste is what the slab analysis finds.
    // A store from before tracking began has no known origin (Node's first pool slab is one);
    // nor has one a sampled-out Buffer call made (it may be a slab). Still pending: not yet
    // known.
    if (store.origin != StoreOrigin::kBufferCall && store.origin != StoreOrigin::kOther) continue;
    if (store.size < options.big_buffer_cutoff) continue;
    if (!Counts(store.created_nanos, snapshot.taken_nanos, options)) continue;
    if (NodesOwn(store, options)) continue;
    const RetentionIndex::StoreRetention* const retained = retention.Find(live.id);
    if (retained == nullptr) continue;  // not reached: the index holds every live store
    const size_t i = EntryIndex(store.stack, overview.big_buffer_leaks, index);
    stores_of.resize(overview.big_buffer_leaks.size());
    BigBufferLeak& entry = overview.big_buffer_leaks[i];
    ++entry.amount;
    entry.total_size += static_cast<double>(store.size);
    entry.unreferenced_bytes += retained->unreferenced;
    // A store kept only by its own full-length Buffer has nothing to cut away; one kept by a
    // shorter view (its own Buffer may be gone) is freed by copying that view out.
    if (retained->partial_view) entry.hint = FixHint::kCopyOut;
    stores_of[i].push_back(live.id);
    backing.Add(*retained, overview);
  }
  std::vector<std::vector<Retainer>> retainers = retention.RetainersOfEach(stores_of);
  for (size_t i = 0; i < retainers.size(); ++i) {
    overview.big_buffer_leaks[i].retainers = std::move(retainers[i]);
    overview.big_buffer_leaks[i].stores = SortedUnique(std::move(stores_of[i]));
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
                   const RetentionIndex& retention, LeakOverview& overview,
                   BackingStores& backing) {
  absl::flat_hash_map<StackId, size_t> index;
  EntryStores stores_of;
  std::vector<std::array<uint64_t, kViewApiCount>> views_by_api;
  for (const Snapshot::LiveView& live : snapshot.views) {
    const ViewRecord& view = live.record;
    if (view.store == kNoStore) continue;  // bytes on the JS heap retain no slab
    const RetentionIndex::StoreRetention* const retained = retention.Find(view.store);
    if (retained == nullptr) continue;
    const StoreRecord& store = *retained->record;
    if (!Counts(view.created_nanos, snapshot.taken_nanos, options)) continue;
    // size >= ratio * length, written as a division so huge lengths cannot overflow; for
    // integers floor(size / ratio) >= length is the same test.
    if (store.size / kSlabRetainerRatio < view.length) continue;
    const double leaked = static_cast<double>(store.size - view.length);
    // Several views keeping one slab alive share the blame for it.
    const double sharers = static_cast<double>(std::max<uint32_t>(store.live_views, 1));
    const size_t i = EntryIndex(view.stack, overview.slab_leaks, index);
    stores_of.resize(overview.slab_leaks.size());
    views_by_api.resize(overview.slab_leaks.size());
    SlabLeak& entry = overview.slab_leaks[i];
    ++entry.amount;
    entry.total_leaked_bytes += leaked;
    entry.normalised_total_leaked_bytes += leaked / sharers;
    // Split over the views the snapshot holds (not the record's count), so that the shares of
    // one store add up to exactly its unreferenced bytes.
    const uint32_t holders = std::max<uint32_t>(retained->views, 1);
    entry.unreferenced_bytes += retained->unreferenced / static_cast<double>(holders);
    stores_of[i].push_back(view.store);
    const auto api = static_cast<size_t>(view.api);
    if (api < views_by_api[i].size()) ++views_by_api[i][api];
    backing.Add(*retained, overview);
  }
  std::vector<std::vector<Retainer>> retainers = retention.RetainersOfEach(stores_of);
  for (size_t i = 0; i < retainers.size(); ++i) {
    overview.slab_leaks[i].retainers = std::move(retainers[i]);
    overview.slab_leaks[i].hint = HintForApiCounts(views_by_api[i]);
    overview.slab_leaks[i].stores = SortedUnique(std::move(stores_of[i]));
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
  const RetentionIndex retention(snapshot);
  LeakOverview overview;
  BackingStores backing(retention);
  FindBigBufferLeaks(snapshot, options, retention, overview, backing);
  FindSlabLeaks(snapshot, options, retention, overview, backing);
  return overview;
}

}  // namespace slab_hunter
