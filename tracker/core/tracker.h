// Tracker: the live set of backing stores and tracked views, fed by the allocator hooks (any
// thread) and the view hooks (the isolate's thread); analysis works on a Snapshot of it.
#ifndef SLAB_HUNTER_TRACKER_CORE_TRACKER_H_
#define SLAB_HUNTER_TRACKER_CORE_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include <mutex>
#include "tracker/core/clock.h"
#include "tracker/core/leak_rules.h"
#include "tracker/core/records.h"
#include "tracker/core/timeline.h"

namespace slab_hunter {

// How a tracker learns of backing stores.
enum class StoreSource : uint8_t {
  // An allocator hook reports each one (OnStoreAllocated); a store a view finds first was made
  // before tracking began.
  kAllocator,
  // Only through tracked views (a Node 24 Worker, whose allocator is Node's own): a store is
  // recorded when the first tracked view on it is made, and located there - as the Buffer of
  // the call that made the view when the view spans it all, else as a pool slab - unless the
  // view cannot own it (NewView::may_own_store).
  kViews,
};

// What a view hook knows about a new view.
struct NewView {
  // Start of the backing store's memory, or nullptr when the view's bytes are on the JS heap.
  const void* store_data = nullptr;
  size_t store_size = 0;
  size_t offset = 0;
  size_t length = 0;
  StackId stack = kNoStack;
  ViewApi api = ViewApi::kAllocUnsafe;
  // The Buffer calls enclosing the one that returned the view (see OnStoreAllocated).
  uint32_t call_level = 0;
  // Whether the view's store can be one its call made: false for views on memory the caller
  // gave (subarray, slice, Buffer.from(arrayBuffer)). Read for StoreSource::kViews only.
  bool may_own_store = true;
  // The sample weight a store first seen through this view gets (StoreRecord::sample_weight).
  float store_sample_weight = 1;
};

// The store a new view sits on, as OnViewCreated found or recorded it.
struct ViewStore {
  StoreId id = kNoStore;  // kNoStore when the view's bytes are on the JS heap
  // Tells this store apart from later stores that reuse its id.
  uint32_t generation = 0;
  // First seen through a view (StoreRecord::first_seen_by_view): its free may never be
  // reported, so the view side retires it when its ArrayBuffer is collected or detached.
  bool origin_unknown = false;
};

// A consistent copy of the live records, taken under the lock, analysed without it.
struct Snapshot {
  struct LiveStore {
    StoreId id;
    StoreRecord record;
  };
  struct LiveView {
    ViewId id;
    ViewRecord record;
  };
  int64_t taken_nanos = 0;
  std::vector<LiveStore> stores;  // every live store, in no particular order
  std::vector<LiveView> views;    // every live tracked view, in no particular order
};

class Tracker {
 public:
  explicit Tracker(const Clock* clock, StoreSource source = StoreSource::kAllocator);
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  // --- Allocator side: any thread. Unknown addresses are ignored.
  // A kPendingCall store waits for the view of the tracked call that made it. `call_level`
  // counts the tracked calls enclosing that call: user code run inside a Buffer call (a
  // getter) can make a Buffer call of its own, whose view must not claim the outer call's
  // stores.
  // `sample_weight`: StoreRecord::sample_weight.
  void OnStoreAllocated(const void* data, size_t size, StoreOrigin origin, StackId stack,
                        uint32_t call_level = 0, float sample_weight = 1);
  void OnStoreFreed(const void* data);
  // The store keeps its record (origin, stack, creation time) under its new address and size.
  void OnStoreReallocated(const void* old_data, const void* new_data, size_t new_size);

  // --- View side: the isolate's thread.
  // Records a view. A store unknown so far gets a record (see StoreSource): of origin
  // kBeforeTracking when an allocator reports stores. Stores still kPendingCall at the view's call level take the
  // view's stack: the view's own store becomes kBufferCall if the view spans all of it, else
  // kPoolSlab; any other becomes kBufferCall. `store_out`, when given, receives the view's store.
  ViewId OnViewCreated(const NewView& view, ViewStore* store_out = nullptr);
  // A store first seen through a view, left out by sampling: recorded (kNotSampled, first seen
  // by a view) so that no later view samples it again; the caller retires it as any store of
  // unknown origin (OnStoreUnreachable).
  ViewStore OnStoreSeenUnsampled(const void* data, size_t size);
  // The view was garbage-collected.
  void OnViewCollected(ViewId id);
  // Views found collected together (a sweep of handles V8 cleared), under one lock.
  void OnViewsCollected(absl::Span<const ViewId> ids);
  // The view's ArrayBuffer was detached (transferred): the view holds no bytes any more.
  void OnViewDetached(ViewId id);
  // The tracked call at `call_level` threw (or returned no Buffer): the stores it made, still
  // kPendingCall, have no view to take a location from. What such a call leaves behind that
  // anything holds is Node's new pool slab, so they become kPoolSlab (never a big-buffer leak)
  // and the next call's view does not claim them.
  void OnTrackedCallFailed(uint32_t call_level = 0);
  // The ArrayBuffer of a store of unknown origin (ViewStore::origin_unknown) was collected.
  // Ignored unless `id` still names that store (same generation): ids are reused, and an old
  // ArrayBuffer's callback must never retire a newer store.
  void OnStoreUnreachable(StoreId id, uint32_t generation);

  // Calls `rewrite`, under the lock, with every StackId field of a live record (live stores,
  // pending ones among them, and live views); it may change them in place, as the stack tables
  // do when they renumber their stacks. Records made meanwhile wait for the lock.
  void RewriteStacksInUse(absl::FunctionRef<void(absl::Span<StackId* const> in_use)> rewrite);

  Snapshot TakeSnapshot() const;
  // What each site holds now, as Analyze would count it in a snapshot taken now (a timeline's
  // tick). One pass over the live records under the lock, summing into arrays indexed by
  // StackId (`tally`'s are reused): no copy, no hashing, and nothing on the allocation path.
  void TallySites(const AnalysisOptions& options, SiteTally& tally) const;
  const Clock& clock() const { return *clock_; }
  // For sampling (sampling.h): the sample weight of the live store of `size` bytes at `data`, 0
  // when sampling left it out, nullopt when no such store is known.
  std::optional<float> SampleWeightOf(const void* data, size_t size) const;
  // Whether a live store at `address` was allocated before `nanos` (by clock()).
  bool HasStoreAllocatedBefore(uintptr_t address, int64_t nanos) const;

  // Live record counts (tests, memory accounting).
  size_t live_store_count() const;
  size_t live_view_count() const;

 private:
  StoreId NewStoreLocked(const StoreRecord& record);
  // Forgets a store's address and marks it dead; its slot is reused once no view names it.
  void RetireStoreLocked(StoreId id);
  void ReleaseStoreIfUnusedLocked(StoreId id);
  // A live view as stored: 24 bytes where a ViewRecord takes 40, as programs hold millions.
  // Offsets and lengths of 4 GiB and more (Node 24 allows such Buffers) read kWide here and
  // are kept in wide_views_.
  struct StoredView {
    static constexpr uint32_t kWide = 0xffffffffu;
    StoreId store;
    StackId stack;
    uint32_t offset;
    uint32_t length;
    int64_t created_since_epoch : 56;  // nanoseconds after epoch_nanos_: ~417 days
    uint64_t api : 8;
  };
  static_assert(sizeof(StoredView) == 24);
  struct WideView {
    size_t offset;
    size_t length;
  };
  void StoreViewLocked(ViewId id, const ViewRecord& record);
  ViewRecord ViewRecordLocked(ViewId id) const;
  // The view no longer names its store; the store's slot is released if nothing else needs it.
  void DropViewStoreLocked(StoredView& view);
  void ViewCollectedLocked(ViewId id);
  // Calls visit(id) for, and forgets, every pending store of the call at `call_level` (and of
  // deeper calls, which have all ended by then).
  template <typename Visit>
  void ForEachPendingLocked(uint32_t call_level, Visit visit);

  const Clock* clock_;
  const StoreSource source_;
  // Guards every member below. A std::mutex, not absl::Mutex: there are two uncontended round
  // trips per tracked Buffer call, and perf put Debian's absl::Mutex at ~10% of an
  // allocation-heavy run against ~3% for std::mutex.
  mutable std::mutex mu_;
  // Slots are reused through the free lists, so ids stay small and records contiguous.
  std::vector<StoreRecord> stores_;
  std::vector<bool> store_live_;
  std::vector<uint32_t> store_generation_;  // bumped each time a slot is reused
  std::vector<StoreId> free_stores_;
  absl::flat_hash_map<uintptr_t, StoreId> store_by_address_;
  struct PendingStore {
    StoreId id;
    uint32_t call_level;
  };
  std::vector<PendingStore> pending_;
  const int64_t epoch_nanos_;
  std::vector<StoredView> views_;
  absl::flat_hash_map<ViewId, WideView> wide_views_;
  std::vector<bool> view_live_;
  std::vector<ViewId> free_views_;
  size_t live_views_ = 0;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_TRACKER_H_
