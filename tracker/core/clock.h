// Clock: the monotonic time source the tracker stamps records with; injectable so tests
// control how old a record is.
#ifndef SLAB_HUNTER_TRACKER_CORE_CLOCK_H_
#define SLAB_HUNTER_TRACKER_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace slab_hunter {

class Clock {
 public:
  virtual ~Clock() = default;
  // Nanoseconds on a monotonic scale; only differences are meaningful.
  virtual int64_t NowNanos() const = 0;
};

// The process's steady clock.
class SteadyClock final : public Clock {
 public:
  int64_t NowNanos() const override;
};

// A clock that moves only when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_nanos = 0) : now_(start_nanos) {}
  int64_t NowNanos() const override { return now_.load(std::memory_order_relaxed); }
  void AdvanceNanos(int64_t nanos) { now_.fetch_add(nanos, std::memory_order_relaxed); }
  void AdvanceMillis(int64_t millis) { AdvanceNanos(millis * 1000000); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_CLOCK_H_
