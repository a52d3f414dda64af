#include "tracker/core/records.h"

namespace slab_hunter {

std::string_view ViewApiName(ViewApi api) {
  const auto index = static_cast<size_t>(api);
  // Out of range only for a value cast from a bad integer.
  return index < std::size(kViewApiNames) ? kViewApiNames[index] : "unknown";
}

std::optional<ViewApi> ViewApiFromName(std::string_view name) {
  for (int i = 0; i < kViewApiCount; ++i) {
    if (kViewApiNames[i] == name) return static_cast<ViewApi>(i);
  }
  return std::nullopt;
}

}  // namespace slab_hunter
