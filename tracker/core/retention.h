// Retention: which live views keep each backing store alive, and how many of its bytes none of
// them can read. A leak entry names where memory was allocated; this names who still holds it,
// and how much a copy-out would give back.
#ifndef SLAB_HUNTER_TRACKER_CORE_RETENTION_H_
#define SLAB_HUNTER_TRACKER_CORE_RETENTION_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/records.h"
#include "tracker/core/tracker.h"

namespace slab_hunter {

// The live views made at one stack that sit on a set of stores.
struct Retainer {
  StackId stack = kNoStack;
  uint64_t amount = 0;  // views
  double bytes = 0;     // sum of the views' own lengths
};

// Most memory first, so the site to fix leads; ties by StackId keep the order deterministic.
bool RetainerBefore(const Retainer& a, const Retainer& b);

struct ByteRange {
  size_t offset = 0;
  size_t length = 0;
};

// The bytes of [0, size) that no range covers. Ranges may overlap (each byte counts once) and
// may reach past `size` (a store shrunk by a reallocation), which is clipped.
double UnreferencedBytes(size_t size, std::vector<ByteRange> ranges);

// Per live store of a Snapshot: its live tracked views, grouped by stack, and its unreferenced
// bytes. Every live view counts, whatever its age: a view too young to be reported still keeps
// its store alive. Holds pointers into `snapshot`, which must outlive it.
class RetentionIndex {
 public:
  // What the index knows of one live store.
  struct StoreRetention {
    const StoreRecord* record = nullptr;
    uint32_t index = 0;  // dense, < store_count(): for callers' own per-store tables
    uint32_t views = 0;  // live tracked views on the store
    double unreferenced = 0;
    // A live view shorter than the store: a part keeps the whole alive.
    bool partial_view = false;
  };

  explicit RetentionIndex(const Snapshot& snapshot);

  // nullptr when `id` is no live store of the snapshot.
  const StoreRetention* Find(StoreId id) const;
  size_t store_count() const { return stores_.size(); }
  // The views on `stores` grouped by stack, sorted by RetainerBefore. A store listed twice
  // counts once; unknown stores add nothing.
  std::vector<Retainer> RetainersOf(absl::Span<const StoreId> stores) const;
  // RetainersOf for each set of stores (one per report entry), sharing one scratch table.
  std::vector<std::vector<Retainer>> RetainersOfEach(
      absl::Span<const std::vector<StoreId>> store_sets) const;

 private:
  // The views of one store made at one stack; `stack` is a dense index into stacks_, so that
  // merging groups into an entry's retainers is array work, not hashing.
  struct Group {
    uint32_t stack;
    uint64_t amount;
    double bytes;
  };
  // groups_[first, end) of one store: built once per store, so an entry's retainers merge a
  // few groups per store instead of walking every view again (a slab can back many entries).
  struct GroupRange {
    uint32_t first = 0;
    uint32_t end = 0;
  };
  void MergeInto(absl::Span<const StoreId> stores, std::vector<uint32_t>& position,
                 std::vector<Retainer>& out) const;

  absl::flat_hash_map<StoreId, uint32_t> dense_;  // StoreId -> index into stores_
  std::vector<StoreRetention> stores_;
  std::vector<GroupRange> group_ranges_;  // parallel to stores_
  std::vector<Group> groups_;
  std::vector<StackId> stacks_;  // dense stack index -> StackId
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_RETENTION_H_
