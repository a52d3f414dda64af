// The tracker's data model: one StoreRecord per ArrayBuffer backing store, one ViewRecord per
// tracked Buffer view. Records hold integer ids only; text is made when a report is asked for.
#ifndef SLAB_HUNTER_TRACKER_CORE_RECORDS_H_
#define SLAB_HUNTER_TRACKER_CORE_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "tracker/core/frame_tree.h"

namespace slab_hunter {

using StoreId = uint32_t;
using ViewId = uint32_t;

// A view whose bytes live on the JS heap (a small typed array never asked for its .buffer).
inline constexpr StoreId kNoStore = 0xffffffffu;

// The Buffer API that handed a view out. kViewApiNames is the one list of these APIs: the
// builtin's JS names the functions it wraps by them and the binding maps each name back
// (ViewApiFromName), so no other copy exists.
enum class ViewApi : uint8_t {
  kAllocUnsafe,
  kAllocUnsafeSlow,
  kAlloc,
  kFrom,
  kConcat,
  kSubarray,
  kSlice,
};
// Indexed by ViewApi; spelled as in JS (Buffer.allocUnsafe, buf.subarray, ...) so reports read
// like the caller's code.
inline constexpr std::string_view kViewApiNames[] = {
    "allocUnsafe", "allocUnsafeSlow", "alloc", "from", "concat", "subarray", "slice",
};
inline constexpr int kViewApiCount = static_cast<int>(std::size(kViewApiNames));
static_assert(static_cast<int>(ViewApi::kSlice) + 1 == kViewApiCount,
              "kViewApiNames names every ViewApi, in order");

// The API's name as JS spells it: "allocUnsafe", ..., "subarray", "slice".
std::string_view ViewApiName(ViewApi api);
// The ViewApi named `name` (as ViewApiName spells it), if any.
std::optional<ViewApi> ViewApiFromName(std::string_view name);

// Where a backing store came from.
enum class StoreOrigin : uint8_t {
  // Allocated inside a tracked Buffer call whose view is not made yet.
  kPendingCall,
  // Made for the one Buffer a tracked call returned (Buffer.allocUnsafe(10000)): a big-buffer
  // candidate, located at that call.
  kBufferCall,
  // One of the slabs of Node's shared Buffer pool: made inside a tracked call whose Buffer
  // covers only part of it, or inside one that threw (no Buffer came out, so what it made and
  // something still holds is the pool's new slab). Never a big-buffer leak; its small views
  // are slab leaks.
  kPoolSlab,
  // Allocated outside Node's Buffer code while tracking: new ArrayBuffer, typed arrays,
  // Node's other internals, native reads, and user code run inside a Buffer call (a getter
  // Buffer.from runs). Located by the JS stack at allocation; kNoStack (`<native>`) only when
  // no JS was running. A big-buffer candidate like kBufferCall.
  kOther,
  // First seen through a view: allocated before tracking began, or (where stores are seen
  // through views only, StoreSource::kViews) on memory the view's caller gave. Where it came
  // from is unknown (Node's first pool slab is one), so it is never a big-buffer leak.
  kBeforeTracking,
  // Left out by sampling (sampling.h): recorded only so that no view on it is ever tracked and
  // it is not sampled again when a view shows it first. Never in a report.
  kNotSampled,
};

struct StoreRecord {
  uintptr_t address = 0;
  size_t size = 0;
  int64_t created_nanos = 0;
  StackId stack = kNoStack;
  StoreOrigin origin = StoreOrigin::kOther;
  // 1 / the probability that sampling kept this store (sampling.h); 1 when every store is.
  float sample_weight = 1;
  uint32_t live_views = 0;  // tracked views of this store not yet collected
  // First seen through a view, not reported by an allocator hook: its free may never be
  // reported, so the view side retires it when its ArrayBuffer goes.
  bool first_seen_by_view = false;
};

// A view as snapshots hold it; the tracker keeps its live views in a compact form of this.
struct ViewRecord {
  StoreId store = kNoStore;
  size_t offset = 0;
  size_t length = 0;
  int64_t created_nanos = 0;
  StackId stack = kNoStack;
  ViewApi api = ViewApi::kAllocUnsafe;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_RECORDS_H_
