#include "tracker/core/retention.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace slab_hunter {

namespace {

constexpr uint32_t kUnset = std::numeric_limits<uint32_t>::max();

// UnreferencedBytes on a scratch the caller reuses (one per index, not one per store).
double UnreferencedInPlace(size_t size, absl::Span<ByteRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  size_t covered = 0;
  size_t reached = 0;  // end of the union of the ranges seen so far
  for (const ByteRange& range : ranges) {
    const size_t start = std::min(range.offset, size);
    // Written as a subtraction so offset + length cannot overflow.
    const size_t end = start + std::min(range.length, size - start);
    if (end <= reached) continue;
    covered += end - std::max(start, reached);
    reached = end;
  }
  return static_cast<double>(size - covered);
}

}  // namespace

bool RetainerBefore(const Retainer& a, const Retainer& b) {
  if (a.bytes != b.bytes) return a.bytes > b.bytes;
  if (a.amount != b.amount) return a.amount > b.amount;
  return a.stack < b.stack;
}

double UnreferencedBytes(size_t size, std::vector<ByteRange> ranges) {
  return UnreferencedInPlace(size, absl::MakeSpan(ranges));
}

RetentionIndex::RetentionIndex(const Snapshot& snapshot) {
  dense_.reserve(snapshot.stores.size());
  stores_.reserve(snapshot.stores.size());
  for (const Snapshot::LiveStore& live : snapshot.stores) {
    const auto index = static_cast<uint32_t>(stores_.size());
    if (!dense_.try_emplace(live.id, index).second) continue;
    StoreRetention store;
    store.record = &live.record;
    store.index = index;
    store.unreferenced = static_cast<double>(live.record.size);  // until a view says otherwise
    stores_.push_back(store);
  }
  group_ranges_.resize(stores_.size());

  // Bucket the views by store (a counting sort: snapshots hold ~1e5 views, and this runs on
  // every report).
  std::vector<uint32_t> store_of(snapshot.views.size(), kUnset);
  std::vector<uint32_t> starts(stores_.size() + 1, 0);
  for (size_t i = 0; i < snapshot.views.size(); ++i) {
    const StoreId store = snapshot.views[i].record.store;
    if (store == kNoStore) continue;
    const auto it = dense_.find(store);
    if (it == dense_.end()) continue;
    store_of[i] = it->second;
    ++starts[it->second + 1];
  }
  for (size_t s = 0; s < stores_.size(); ++s) starts[s + 1] += starts[s];
  std::vector<const ViewRecord*> views(starts.back());
  std::vector<uint32_t> fill(starts.begin(), starts.end() - 1);
  for (size_t i = 0; i < snapshot.views.size(); ++i) {
    if (store_of[i] != kUnset) views[fill[store_of[i]]++] = &snapshot.views[i].record;
  }

  absl::flat_hash_map<StackId, uint32_t> stack_index;
  std::vector<ByteRange> ranges;
  for (size_t s = 0; s < stores_.size(); ++s) {
    StoreRetention& store = stores_[s];
    const auto begin = views.begin() + starts[s];
    const auto end = views.begin() + starts[s + 1];
    if (begin == end) continue;
    std::sort(begin, end,
              [](const ViewRecord* a, const ViewRecord* b) { return a->stack < b->stack; });
    ranges.clear();
    group_ranges_[s].first = static_cast<uint32_t>(groups_.size());
    for (auto it = begin; it != end; ++it) {
      const ViewRecord& view = **it;
      ranges.push_back({view.offset, view.length});
      if (view.length < store.record->size) store.partial_view = true;
      if (it == begin || view.stack != (*(it - 1))->stack) {
        const auto [slot, inserted] =
            stack_index.try_emplace(view.stack, static_cast<uint32_t>(stacks_.size()));
        if (inserted) stacks_.push_back(view.stack);
        groups_.push_back({slot->second, 0, 0});
      }
      ++groups_.back().amount;
      groups_.back().bytes += static_cast<double>(view.length);
    }
    group_ranges_[s].end = static_cast<uint32_t>(groups_.size());
    store.views = static_cast<uint32_t>(end - begin);
    store.unreferenced = UnreferencedInPlace(store.record->size, absl::MakeSpan(ranges));
  }
}

const RetentionIndex::StoreRetention* RetentionIndex::Find(StoreId id) const {
  const auto it = dense_.find(id);
  return it == dense_.end() ? nullptr : &stores_[it->second];
}

void RetentionIndex::MergeInto(absl::Span<const StoreId> stores, std::vector<uint32_t>& position,
                               std::vector<Retainer>& out) const {
  std::vector<StoreId> unique(stores.begin(), stores.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());

  std::vector<uint32_t> touched;  // dense stacks whose `position` must be reset afterwards
  // Sampled, each store's views count its weight times (an estimate, as the entry's figures);
  // the amounts are summed unrounded.
  std::vector<double> amounts;
  for (const Retainer& retainer : out) amounts.push_back(static_cast<double>(retainer.amount));
  for (const StoreId id : unique) {
    const StoreRetention* store = Find(id);
    if (store == nullptr) continue;
    const double weight = store->record->sample_weight;
    const GroupRange range = group_ranges_[store->index];
    for (uint32_t g = range.first; g < range.end; ++g) {
      const Group& group = groups_[g];
      uint32_t& at = position[group.stack];
      if (at == kUnset) {
        at = static_cast<uint32_t>(out.size());
        out.push_back({stacks_[group.stack], 0, 0});
        amounts.push_back(0);
        touched.push_back(group.stack);
      }
      amounts[at] += static_cast<double>(group.amount) * weight;
      out[at].bytes += group.bytes * weight;
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].amount = static_cast<uint64_t>(std::llround(amounts[i]));
  }
  for (const uint32_t stack : touched) position[stack] = kUnset;
  std::sort(out.begin(), out.end(), RetainerBefore);
}

std::vector<Retainer> RetentionIndex::RetainersOf(absl::Span<const StoreId> stores) const {
  std::vector<uint32_t> position(stacks_.size(), kUnset);
  std::vector<Retainer> out;
  MergeInto(stores, position, out);
  return out;
}

std::vector<std::vector<Retainer>> RetentionIndex::RetainersOfEach(
    absl::Span<const std::vector<StoreId>> store_sets) const {
  std::vector<uint32_t> position(stacks_.size(), kUnset);
  std::vector<std::vector<Retainer>> out(store_sets.size());
  for (size_t i = 0; i < store_sets.size(); ++i) MergeInto(store_sets[i], position, out[i]);
  return out;
}

}  // namespace slab_hunter
