#include "tracker/core/records.h"

namespace slab_hunter {

std::string_view ViewApiName(ViewApi api) {
  // Spelled as in JS (Buffer.allocUnsafe, buf.subarray, ...) so reports read like the caller's code.
  switch (api) {
    case ViewApi::kAllocUnsafe:
      return "allocUnsafe";
    case ViewApi::kAllocUnsafeSlow:
      return "allocUnsafeSlow";
    case ViewApi::kAlloc:
      return "alloc";
    case ViewApi::kFrom:
      return "from";
    case ViewApi::kConcat:
      return "concat";
    case ViewApi::kSubarray:
      return "subarray";
    case ViewApi::kSlice:
      return "slice";
  }
  // Only reachable with a value cast from an out-of-range integer.
  return "unknown";
}

}  // namespace slab_hunter
