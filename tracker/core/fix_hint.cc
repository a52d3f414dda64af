#include "tracker/core/fix_hint.h"

#include <cstddef>

namespace slab_hunter {

std::string_view FixHintText(FixHint hint) {
  switch (hint) {
    case FixHint::kNone:
      return "";
    case FixHint::kCopyOut:
      return "copy the part you keep out of the big buffer: Buffer.from(view), so the rest can "
             "be freed";
    case FixHint::kUnslab:
      return "copy long-lived buffers out of the shared pool (Buffer.allocUnsafeSlow(n) + copy, "
             "or the unslab package)";
    case FixHint::kAllocUnsafeSlow:
      return "allocate long-lived buffers with Buffer.allocUnsafeSlow(), which does not use the "
             "shared pool";
  }
  return "";
}

std::string_view FixHintName(FixHint hint) {
  switch (hint) {
    case FixHint::kNone:
      return "";
    case FixHint::kCopyOut:
      return "copy-out";
    case FixHint::kUnslab:
      return "unslab";
    case FixHint::kAllocUnsafeSlow:
      return "alloc-unsafe-slow";
  }
  return "";
}

FixHint HintForApi(ViewApi api) {
  switch (api) {
    case ViewApi::kAllocUnsafe:
      // The caller chose the pooled allocator; its unpooled twin is a one-word change.
      return FixHint::kAllocUnsafeSlow;
    case ViewApi::kFrom:
    case ViewApi::kConcat:
      // These take the pool with no unpooled variant: the result has to be copied out.
      return FixHint::kUnslab;
    case ViewApi::kSubarray:
    case ViewApi::kSlice:
    case ViewApi::kAlloc:
    case ViewApi::kAllocUnsafeSlow:
      // A view of someone else's store, or an unpooled one sitting on a bigger store anyway.
      return FixHint::kCopyOut;
  }
  return FixHint::kCopyOut;
}

FixHint HintForApiCounts(absl::Span<const uint64_t> views_by_api) {
  size_t best = 0;
  for (size_t i = 1; i < views_by_api.size(); ++i) {
    if (views_by_api[i] > views_by_api[best]) best = i;  // strict: a tie keeps the lower API
  }
  return HintForApi(static_cast<ViewApi>(best));
}

}  // namespace slab_hunter
