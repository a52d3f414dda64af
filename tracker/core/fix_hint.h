// Fix hints: the one change at an entry's site most likely to release the memory it keeps.
#ifndef SLAB_HUNTER_TRACKER_CORE_FIX_HINT_H_
#define SLAB_HUNTER_TRACKER_CORE_FIX_HINT_H_

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "tracker/core/records.h"

namespace slab_hunter {

enum class FixHint : uint8_t {
  kNone,             // the whole buffer is what is kept: nothing to cut away
  kCopyOut,          // a small view keeps a big store: copy the part that is used
  kUnslab,           // pooled Buffers made by from()/concat(): copy them out of the pool
  kAllocUnsafeSlow,  // pooled Buffers made by allocUnsafe(): allocate them unpooled instead
};

// One line of advice; "" for kNone.
std::string_view FixHintText(FixHint hint);
// The JSON report's name ("copy-out", "unslab", "alloc-unsafe-slow"); "" for kNone.
std::string_view FixHintName(FixHint hint);

// The hint for slab leaks made by `api`.
FixHint HintForApi(ViewApi api);
// The hint for a slab entry whose views were made by the APIs counted in `views_by_api`
// (indexed by ViewApi): the majority API's, ties to the lower ViewApi.
FixHint HintForApiCounts(absl::Span<const uint64_t> views_by_api);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_FIX_HINT_H_
