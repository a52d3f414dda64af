// StoreSampling: which backing stores a session tracks under --slab-hunter-sample-bytes
// (core/sampling.h). A store is sampled once, when the allocator makes it or, for one made
// elsewhere, when a view first shows it; a view is tracked exactly when its store is, so each
// store is one sampling unit. Isolate thread only, except OnStoreFreed.
#ifndef SLAB_HUNTER_TRACKER_V8_STORE_SAMPLING_H_
#define SLAB_HUNTER_TRACKER_V8_STORE_SAMPLING_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "tracker/core/sampling.h"
#include "tracker/core/tracker.h"
#include "tracker/v8/settings.h"

namespace slab_hunter {

// The seed every session of this process samples from (each in a stream of its own): the
// flags' --slab-hunter-sample-seed, or one drawn at random once; reports name it.
uint64_t ProcessSampleSeed(const HuntSettings& settings);

class StoreSampling {
 public:
  // `interval` 0: every store is tracked. `stream` tells sessions with one seed apart.
  StoreSampling(double interval, uint64_t seed, uint64_t stream);

  bool enabled() const { return sampler_.interval() > 0; }

  // A store the allocator made on the isolate thread.
  ByteSampler::Decision ForNewStore(const void* data, size_t size);
  // The store a new view sits on: its decision as made, or, for a store not seen before, a new
  // one, which `tracker` records when the store is left out (`*recorded` set) so that no later
  // view samples it again. The caller records a sampled one with the view.
  ByteSampler::Decision ForViewStore(Tracker& tracker, const void* data, size_t size,
                                     bool* recorded_unsampled);
  // A view whose bytes are on the JS heap, sampled on its own.
  ByteSampler::Decision ForHeapView(size_t length) { return sampler_.Next(length); }
  // Any thread: a freed store's address no longer names the decision remembered for it.
  void OnStoreFreed(const void* data);

 private:
  void Remember(const void* data, size_t size, ByteSampler::Decision decision);

  ByteSampler sampler_;
  // The last store decided: consecutive Buffers mostly come from one pool slab, so most views
  // find their store's decision here without the tracker's lock.
  std::atomic<uintptr_t> last_address_{0};
  size_t last_size_ = 0;
  ByteSampler::Decision last_decision_;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_STORE_SAMPLING_H_
