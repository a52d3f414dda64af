#include "tracker/core/analysis.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace slab_hunter {

namespace {

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
    overview.total_unreferenced_estimate.AddStore(store.unreferenced,
                                                  store.record->sample_weight);
  }

 private:
  std::vector<bool> seen_;
};

// The plain fields both kinds share, from what they estimate.
void SetCommonFields(LeakEntry& entry) {
  entry.amount = static_cast<uint64_t>(std::llround(entry.amount_estimate.value));
  entry.unreferenced_bytes = entry.unreferenced_estimate.value;
}

// What the views of one slab entry on one store add to it.
struct SlabPart {
  double views = 0;
  double leaked = 0;
  double normalised = 0;
  double unreferenced = 0;
};

// Sums the slab entries' parts into their estimates. Sampled, a store is the sampling unit: its
// views' parts are summed per entry (and per store for the total) before the store's weight
// applies, as the variance needs. Unsampled, every weight is 1 and the sum is plain.
class SlabParts {
 public:
  explicit SlabParts(bool sampled) : sampled_(sampled) {}

  void Add(size_t entry, StoreId store, double weight, const SlabPart& part) {
    if (!sampled_) {
      if (entry >= plain_.size()) plain_.resize(entry + 1);
      Accumulate(plain_[entry], part);
      return;
    }
    Unit& unit = by_entry_store_[{entry, store}];
    unit.weight = weight;
    Accumulate(unit.part, part);
    Unit& whole = by_store_[store];
    whole.weight = weight;
    Accumulate(whole.part, part);
  }

  void Finish(LeakOverview& overview) {
    std::vector<SlabLeak>& entries = overview.slab_leaks;
    if (!sampled_) {
      // The total is summed once the entries are sorted (FindSlabLeaks).
      for (size_t i = 0; i < plain_.size() && i < entries.size(); ++i) {
        AddTo(entries[i], plain_[i], 1);
      }
      return;
    }
    for (const auto& [key, unit] : by_entry_store_) AddTo(entries[key.first], unit.part, unit.weight);
    for (const auto& [store, unit] : by_store_) {
      overview.total_slab_estimate.AddStore(unit.part.normalised, unit.weight);
    }
  }

 private:
  struct Unit {
    SlabPart part;
    double weight = 1;
  };
  static void Accumulate(SlabPart& into, const SlabPart& part) {
    into.views += part.views;
    into.leaked += part.leaked;
    into.normalised += part.normalised;
    into.unreferenced += part.unreferenced;
  }
  static void AddTo(SlabLeak& entry, const SlabPart& part, double weight) {
    entry.amount_estimate.AddStore(part.views, weight);
    entry.total_leaked_estimate.AddStore(part.leaked, weight);
    entry.normalised_estimate.AddStore(part.normalised, weight);
    entry.unreferenced_estimate.AddStore(part.unreferenced, weight);
  }

  const bool sampled_;
  std::vector<SlabPart> plain_;
  absl::flat_hash_map<std::pair<size_t, StoreId>, Unit> by_entry_store_;
  absl::flat_hash_map<StoreId, Unit> by_store_;
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
    if (!IsBigBufferLeak(store, snapshot.taken_nanos, options)) continue;
    const RetentionIndex::StoreRetention* const retained = retention.Find(live.id);
    if (retained == nullptr) continue;  // not reached: the index holds every live store
    const size_t i = EntryIndex(store.stack, overview.big_buffer_leaks, index);
    stores_of.resize(overview.big_buffer_leaks.size());
    BigBufferLeak& entry = overview.big_buffer_leaks[i];
    // Each store is its own sampling unit.
    const double weight = store.sample_weight;
    entry.amount_estimate.AddStore(1, weight);
    entry.total_size_estimate.AddStore(static_cast<double>(store.size), weight);
    entry.unreferenced_estimate.AddStore(retained->unreferenced, weight);
    // A store kept only by its own full-length Buffer has nothing to cut away; one kept by a
    // shorter view (its own Buffer may be gone) is freed by copying that view out.
    if (retained->partial_view) entry.hint = FixHint::kCopyOut;
    stores_of[i].push_back(live.id);
    backing.Add(*retained, overview);
  }
  std::vector<std::vector<Retainer>> retainers = retention.RetainersOfEach(stores_of);
  for (size_t i = 0; i < retainers.size(); ++i) {
    BigBufferLeak& entry = overview.big_buffer_leaks[i];
    entry.retainers = std::move(retainers[i]);
    entry.stores = SortedUnique(std::move(stores_of[i]));
    entry.total_size = entry.total_size_estimate.value;
    SetCommonFields(entry);
  }
  std::sort(overview.big_buffer_leaks.begin(), overview.big_buffer_leaks.end(),
            [](const BigBufferLeak& a, const BigBufferLeak& b) {
              if (a.total_size != b.total_size) return a.total_size > b.total_size;
              return a.stack < b.stack;
            });
  // Each store is behind one big-buffer entry: the entries' estimates are independent.
  for (const BigBufferLeak& entry : overview.big_buffer_leaks) {
    overview.total_big_buffer_estimate.Add(entry.total_size_estimate);
  }
}

void FindSlabLeaks(const Snapshot& snapshot, const AnalysisOptions& options,
                   const RetentionIndex& retention, LeakOverview& overview,
                   BackingStores& backing) {
  absl::flat_hash_map<StackId, size_t> index;
  EntryStores stores_of;
  std::vector<std::array<uint64_t, kViewApiCount>> views_by_api;
  SlabParts parts(overview.sampled);
  for (const Snapshot::LiveView& live : snapshot.views) {
    const ViewRecord& view = live.record;
    if (view.store == kNoStore) continue;  // bytes on the JS heap retain no slab
    const RetentionIndex::StoreRetention* const retained = retention.Find(view.store);
    if (retained == nullptr) continue;
    const StoreRecord& store = *retained->record;
    if (!IsSlabLeak(view, store, snapshot.taken_nanos, options)) continue;
    const size_t i = EntryIndex(view.stack, overview.slab_leaks, index);
    stores_of.resize(overview.slab_leaks.size());
    views_by_api.resize(overview.slab_leaks.size());
    // Split over the views the snapshot holds (not the record's count), so that the shares of
    // one store add up to exactly its unreferenced bytes.
    const uint32_t holders = std::max<uint32_t>(retained->views, 1);
    parts.Add(i, view.store, store.sample_weight,
              {1, SlabLeakedBytes(view, store), SlabNormalisedBytes(view, store),
               retained->unreferenced / static_cast<double>(holders)});
    // Views of one entry mostly come in runs on one store (a pool slab): repeats are dropped
    // here, so that the sorts behind RetainersOfEach and SortedUnique see each run once.
    if (stores_of[i].empty() || stores_of[i].back() != view.store) stores_of[i].push_back(view.store);
    const auto api = static_cast<size_t>(view.api);
    if (api < views_by_api[i].size()) ++views_by_api[i][api];
    backing.Add(*retained, overview);
  }
  std::vector<std::vector<Retainer>> retainers = retention.RetainersOfEach(stores_of);
  parts.Finish(overview);
  for (size_t i = 0; i < retainers.size(); ++i) {
    SlabLeak& entry = overview.slab_leaks[i];
    entry.retainers = std::move(retainers[i]);
    entry.hint = HintForApiCounts(views_by_api[i]);
    entry.stores = SortedUnique(std::move(stores_of[i]));
    entry.total_leaked_bytes = entry.total_leaked_estimate.value;
    entry.normalised_total_leaked_bytes = entry.normalised_estimate.value;
    SetCommonFields(entry);
  }
  std::sort(overview.slab_leaks.begin(), overview.slab_leaks.end(),
            [](const SlabLeak& a, const SlabLeak& b) {
              if (a.normalised_total_leaked_bytes != b.normalised_total_leaked_bytes) {
                return a.normalised_total_leaked_bytes > b.normalised_total_leaked_bytes;
              }
              return a.stack < b.stack;
            });
  if (!overview.sampled) {
    for (const SlabLeak& entry : overview.slab_leaks) {
      overview.total_slab_estimate.Add(entry.normalised_estimate);
    }
  }
}

}  // namespace

LeakOverview Analyze(const Snapshot& snapshot, const AnalysisOptions& options) {
  const RetentionIndex retention(snapshot);
  LeakOverview overview;
  overview.sampled = options.sample_interval > 0;
  overview.sample_interval = options.sample_interval;
  overview.sample_seed = options.sample_seed;
  BackingStores backing(retention);
  FindBigBufferLeaks(snapshot, options, retention, overview, backing);
  FindSlabLeaks(snapshot, options, retention, overview, backing);
  overview.total_big_buffer_leaks = overview.total_big_buffer_estimate.value;
  overview.total_slab_leaks = overview.total_slab_estimate.value;
  overview.total_unreferenced_bytes = overview.total_unreferenced_estimate.value;
  if (overview.sampled) {
    for (Estimate* total : {&overview.total_big_buffer_estimate, &overview.total_slab_estimate,
                            &overview.total_unreferenced_estimate}) {
      total->BoundUnseen(options.sample_interval);
    }
  }
  return overview;
}

}  // namespace slab_hunter
