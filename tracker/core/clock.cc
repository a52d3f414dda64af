#include "tracker/core/clock.h"

#include <chrono>

namespace slab_hunter {

int64_t SteadyClock::NowNanos() const {
  // steady_clock, not system_clock: leak ages must not jump when the wall clock is adjusted.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace slab_hunter
