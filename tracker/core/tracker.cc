#include "tracker/core/tracker.h"

#include <algorithm>

namespace slab_hunter {

namespace {

uintptr_t AddressOf(const void* data) { return reinterpret_cast<uintptr_t>(data); }

}  // namespace

Tracker::Tracker(const Clock* clock, StoreSource source)
    : clock_(clock), source_(source), epoch_nanos_(clock->NowNanos()) {}

void Tracker::StoreViewLocked(ViewId id, const ViewRecord& record) {
  StoredView& stored = views_[id];
  stored.store = record.store;
  stored.stack = record.stack;
  stored.created_since_epoch = record.created_nanos - epoch_nanos_;
  stored.api = static_cast<uint64_t>(record.api);
  const bool wide = record.offset >= StoredView::kWide || record.length >= StoredView::kWide;
  stored.offset = wide ? StoredView::kWide : static_cast<uint32_t>(record.offset);
  stored.length = wide ? StoredView::kWide : static_cast<uint32_t>(record.length);
  if (wide) {
    wide_views_[id] = {record.offset, record.length};
  } else if (!wide_views_.empty()) {
    wide_views_.erase(id);
  }
}

ViewRecord Tracker::ViewRecordLocked(ViewId id) const {
  const StoredView& stored = views_[id];
  ViewRecord record;
  record.store = stored.store;
  record.stack = stored.stack;
  record.created_nanos = epoch_nanos_ + stored.created_since_epoch;
  record.api = static_cast<ViewApi>(stored.api);
  if (stored.offset == StoredView::kWide && stored.length == StoredView::kWide) {
    const WideView& wide = wide_views_.at(id);
    record.offset = wide.offset;
    record.length = wide.length;
  } else {
    record.offset = stored.offset;
    record.length = stored.length;
  }
  return record;
}

StoreId Tracker::NewStoreLocked(const StoreRecord& record) {
  StoreId id;
  if (!free_stores_.empty()) {
    id = free_stores_.back();
    free_stores_.pop_back();
    stores_[id] = record;
    store_live_[id] = true;
    ++store_generation_[id];
  } else {
    id = static_cast<StoreId>(stores_.size());
    stores_.push_back(record);
    store_live_.push_back(true);
    store_generation_.push_back(0);
  }
  return id;
}

void Tracker::RetireStoreLocked(StoreId id) {
  if (auto it = store_by_address_.find(stores_[id].address);
      it != store_by_address_.end() && it->second == id) {
    store_by_address_.erase(it);
  }
  store_live_[id] = false;
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [id](const PendingStore& pending) { return pending.id == id; }),
                 pending_.end());
  ReleaseStoreIfUnusedLocked(id);
}

void Tracker::ReleaseStoreIfUnusedLocked(StoreId id) {
  // A freed store still named by a live view keeps its slot: the view's StoreId must not come
  // to mean some later allocation.
  if (!store_live_[id] && stores_[id].live_views == 0) free_stores_.push_back(id);
}

template <typename Visit>
void Tracker::ForEachPendingLocked(uint32_t call_level, Visit visit) {
  // Usually one entry, or none: the list stays short.
  auto claimed = std::remove_if(pending_.begin(), pending_.end(),
                                [&](const PendingStore& pending) {
                                  if (pending.call_level < call_level) return false;
                                  visit(pending.id);
                                  return true;
                                });
  pending_.erase(claimed, pending_.end());
}

void Tracker::OnStoreAllocated(const void* data, size_t size, StoreOrigin origin,
                               StackId stack, uint32_t call_level, float sample_weight) {
  const uintptr_t address = AddressOf(data);
  std::lock_guard<std::mutex> lock(mu_);
  // The address is still mapped only if its free was never reported; the old record is stale
  // and is retired as if freed, so one address never names two live stores.
  if (auto it = store_by_address_.find(address); it != store_by_address_.end()) {
    RetireStoreLocked(it->second);
  }
  StoreRecord record;
  record.address = address;
  record.size = size;
  record.created_nanos = clock_->NowNanos();
  record.stack = stack;
  record.origin = origin;
  record.sample_weight = sample_weight;
  const StoreId id = NewStoreLocked(record);
  store_by_address_[address] = id;
  if (origin == StoreOrigin::kPendingCall) pending_.push_back({id, call_level});
}

void Tracker::OnStoreFreed(const void* data) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = store_by_address_.find(AddressOf(data));
  if (it == store_by_address_.end()) return;
  // The allocator may hand this address out again at once.
  RetireStoreLocked(it->second);
}

void Tracker::OnStoreUnreachable(StoreId id, uint32_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id >= stores_.size() || !store_live_[id] || store_generation_[id] != generation) return;
  RetireStoreLocked(id);
}

void Tracker::OnStoreReallocated(const void* old_data, const void* new_data, size_t new_size) {
  const uintptr_t old_address = AddressOf(old_data);
  const uintptr_t new_address = AddressOf(new_data);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = store_by_address_.find(old_address);
  if (it == store_by_address_.end()) return;
  const StoreId id = it->second;
  if (new_address != old_address) {
    store_by_address_.erase(it);
    // As in OnStoreAllocated: a record still at the new address missed its free.
    if (auto stale_it = store_by_address_.find(new_address);
        stale_it != store_by_address_.end()) {
      RetireStoreLocked(stale_it->second);
    }
    store_by_address_[new_address] = id;
  }
  stores_[id].address = new_address;
  stores_[id].size = new_size;
}

ViewId Tracker::OnViewCreated(const NewView& view, ViewStore* store_out) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_->NowNanos();
  StoreId store = kNoStore;
  if (view.store_data != nullptr) {
    const uintptr_t address = AddressOf(view.store_data);
    if (auto it = store_by_address_.find(address);
        it != store_by_address_.end() && stores_[it->second].size != view.store_size) {
      // A record of another size at this address is one whose free was never reported (a
      // store of unknown origin freed by its own deleter): stale.
      RetireStoreLocked(it->second);
    }
    if (auto it = store_by_address_.find(address); it != store_by_address_.end()) {
      store = it->second;
    } else {
      // Allocated before tracking began, or by an allocator we do not hook: the view is still
      // worth tracking, but the store's origin is unknown unless only views show stores.
      StoreRecord record;
      record.address = address;
      record.size = view.store_size;
      record.created_nanos = now;
      record.stack = kNoStack;
      record.origin = StoreOrigin::kBeforeTracking;
      record.first_seen_by_view = true;
      record.sample_weight = view.store_sample_weight;
      if (source_ == StoreSource::kViews && view.may_own_store) {
        const bool whole = view.offset == 0 && view.length == view.store_size;
        record.origin = whole ? StoreOrigin::kBufferCall : StoreOrigin::kPoolSlab;
        record.stack = view.stack;
      }
      store = NewStoreLocked(record);
      store_by_address_[address] = store;
    }
  }

  // Stores allocated during a tracked Buffer call are attributed once that call's view exists:
  // only then is it known whether the allocation was the Buffer itself or a pool slab.
  // Calls nested deeper have ended (each claimed its own); enclosing calls' stay pending.
  ForEachPendingLocked(view.call_level, [&](StoreId pending) {
    StoreRecord& record = stores_[pending];
    record.stack = view.stack;
    if (pending == store) {
      const bool whole = view.offset == 0 && view.length == record.size;
      record.origin = whole ? StoreOrigin::kBufferCall : StoreOrigin::kPoolSlab;
    } else {
      record.origin = StoreOrigin::kBufferCall;
    }
  });

  if (store != kNoStore) ++stores_[store].live_views;

  ViewRecord record;
  record.store = store;
  record.offset = view.offset;
  record.length = view.length;
  record.created_nanos = now;
  record.stack = view.stack;
  record.api = view.api;
  ViewId id;
  if (!free_views_.empty()) {
    id = free_views_.back();
    free_views_.pop_back();
    view_live_[id] = true;
  } else {
    id = static_cast<ViewId>(views_.size());
    views_.emplace_back();
    view_live_.push_back(true);
  }
  StoreViewLocked(id, record);
  ++live_views_;
  if (store_out != nullptr) {
    store_out->id = store;
    if (store != kNoStore) {
      store_out->generation = store_generation_[store];
      store_out->origin_unknown = stores_[store].first_seen_by_view;
    }
  }
  return id;
}

ViewStore Tracker::OnStoreSeenUnsampled(const void* data, size_t size) {
  const uintptr_t address = AddressOf(data);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = store_by_address_.find(address); it != store_by_address_.end()) {
    RetireStoreLocked(it->second);  // stale, as in OnStoreAllocated
  }
  StoreRecord record;
  record.address = address;
  record.size = size;
  record.created_nanos = clock_->NowNanos();
  record.origin = StoreOrigin::kNotSampled;
  record.first_seen_by_view = true;
  const StoreId id = NewStoreLocked(record);
  store_by_address_[address] = id;
  return {id, store_generation_[id], true};
}

void Tracker::OnTrackedCallFailed(uint32_t call_level) {
  std::lock_guard<std::mutex> lock(mu_);
  ForEachPendingLocked(call_level,
                       [&](StoreId pending) { stores_[pending].origin = StoreOrigin::kPoolSlab; });
}

void Tracker::OnViewCollected(ViewId id) {
  std::lock_guard<std::mutex> lock(mu_);
  ViewCollectedLocked(id);
}

void Tracker::OnViewsCollected(absl::Span<const ViewId> ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ViewId id : ids) ViewCollectedLocked(id);
}

void Tracker::ViewCollectedLocked(ViewId id) {
  // GC callbacks can outlive a reset; a stale or repeated id must not free a slot twice.
  if (id >= views_.size() || !view_live_[id]) return;
  view_live_[id] = false;
  free_views_.push_back(id);
  --live_views_;
  DropViewStoreLocked(views_[id]);
  if (!wide_views_.empty()) wide_views_.erase(id);
}

void Tracker::OnViewDetached(ViewId id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id >= views_.size() || !view_live_[id]) return;
  ViewRecord record = ViewRecordLocked(id);
  DropViewStoreLocked(views_[id]);
  record.store = kNoStore;
  record.offset = 0;
  record.length = 0;
  StoreViewLocked(id, record);
}

void Tracker::DropViewStoreLocked(StoredView& view) {
  const StoreId store = view.store;
  view.store = kNoStore;
  if (store == kNoStore || store >= stores_.size()) return;
  if (stores_[store].live_views == 0) return;
  --stores_[store].live_views;
  ReleaseStoreIfUnusedLocked(store);
}

void Tracker::RewriteStacksInUse(
    absl::FunctionRef<void(absl::Span<StackId* const> in_use)> rewrite) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StackId*> in_use;
  in_use.reserve(store_by_address_.size() + live_views_);
  for (StoreId id = 0; id < stores_.size(); ++id) {
    if (store_live_[id]) in_use.push_back(&stores_[id].stack);
  }
  for (ViewId id = 0; id < views_.size(); ++id) {
    if (view_live_[id]) in_use.push_back(&views_[id].stack);
  }
  rewrite(in_use);
}

Snapshot Tracker::TakeSnapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot snapshot;
  snapshot.taken_nanos = clock_->NowNanos();
  snapshot.stores.reserve(store_by_address_.size());
  for (StoreId id = 0; id < stores_.size(); ++id) {
    if (store_live_[id]) snapshot.stores.push_back({id, stores_[id]});
  }
  snapshot.views.reserve(live_views_);
  for (ViewId id = 0; id < views_.size(); ++id) {
    if (!view_live_[id]) continue;
    const StoreId store = views_[id].store;
    // A freed store's views (detached or transferred buffers) retain no memory.
    if (store != kNoStore && !store_live_[store]) continue;
    snapshot.views.push_back({id, ViewRecordLocked(id)});
  }
  return snapshot;
}

void Tracker::TallySites(const AnalysisOptions& options, SiteTally& tally) const {
  auto add = [](std::vector<double>& sites, StackId stack, double bytes) {
    if (stack >= sites.size()) sites.resize(stack + 1, 0.0);
    sites[stack] += bytes;
  };
  tally.big_buffer.assign(tally.big_buffer.size(), 0.0);
  tally.slab.assign(tally.slab.size(), 0.0);
  tally.total_big_buffer = 0;
  tally.total_slab = 0;
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_->NowNanos();
  tally.at_nanos = now;
  for (StoreId id = 0; id < stores_.size(); ++id) {
    const StoreRecord& store = stores_[id];
    if (!store_live_[id] || !IsBigBufferLeak(store, now, options)) continue;
    const double bytes = static_cast<double>(store.size) * store.sample_weight;
    add(tally.big_buffer, store.stack, bytes);
    tally.total_big_buffer += bytes;
  }
  for (ViewId id = 0; id < views_.size(); ++id) {
    if (!view_live_[id]) continue;
    if (views_[id].store == kNoStore || !store_live_[views_[id].store]) continue;
    const ViewRecord view = ViewRecordLocked(id);
    const StoreRecord& store = stores_[view.store];
    if (!IsSlabLeak(view, store, now, options)) continue;
    const double bytes = SlabNormalisedBytes(view, store) * store.sample_weight;
    add(tally.slab, view.stack, bytes);
    tally.total_slab += bytes;
  }
}

std::optional<float> Tracker::SampleWeightOf(const void* data, size_t size) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = store_by_address_.find(AddressOf(data));
  if (it == store_by_address_.end() || stores_[it->second].size != size) return std::nullopt;
  const StoreRecord& store = stores_[it->second];
  return store.origin == StoreOrigin::kNotSampled ? 0.0f : store.sample_weight;
}

bool Tracker::HasStoreAllocatedBefore(uintptr_t address, int64_t nanos) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = store_by_address_.find(address);
  return it != store_by_address_.end() && stores_[it->second].created_nanos < nanos;
}

size_t Tracker::live_store_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  // Every live store has exactly one address mapping (stale ones are retired on reuse).
  return store_by_address_.size();
}

size_t Tracker::live_view_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return live_views_;
}

}  // namespace slab_hunter
