#include "tracker/v8/store_sampling.h"

#include <random>

namespace slab_hunter {

namespace {

uint64_t SeedOf(uint64_t seed, uint64_t stream) {
  // Mixed (splitmix64's finaliser), so that streams of one seed are not neighbouring states.
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t ProcessSampleSeed(const HuntSettings& settings) {
  // Random, below 2^53 so that it survives any JSON reader as a number too.
  static const uint64_t random_seed =
      ((static_cast<uint64_t>(std::random_device()()) << 32) ^ std::random_device()()) >> 11;
  return settings.sample_seed.value_or(random_seed);
}

StoreSampling::StoreSampling(double interval, uint64_t seed, uint64_t stream)
    : sampler_(interval, SeedOf(seed, stream)) {}

ByteSampler::Decision StoreSampling::ForNewStore(const void* data, size_t size) {
  const ByteSampler::Decision decision = sampler_.Next(static_cast<double>(size));
  Remember(data, size, decision);
  return decision;
}

ByteSampler::Decision StoreSampling::ForViewStore(Tracker& tracker, const void* data, size_t size,
                                                  bool* recorded_unsampled) {
  *recorded_unsampled = false;
  const auto address = reinterpret_cast<uintptr_t>(data);
  if (last_address_.load(std::memory_order_relaxed) == address && last_size_ == size) {
    return last_decision_;
  }
  ByteSampler::Decision decision;
  if (const std::optional<float> weight = tracker.SampleWeightOf(data, size)) {
    decision = {*weight > 0, *weight > 0 ? *weight : 1};
  } else {
    decision = sampler_.Next(static_cast<double>(size));
    *recorded_unsampled = !decision.sampled;
  }
  Remember(data, size, decision);
  return decision;
}

void StoreSampling::OnStoreFreed(const void* data) {
  uintptr_t address = reinterpret_cast<uintptr_t>(data);
  last_address_.compare_exchange_strong(address, 0, std::memory_order_relaxed);
}

void StoreSampling::Remember(const void* data, size_t size, ByteSampler::Decision decision) {
  last_size_ = size;
  last_decision_ = decision;
  last_address_.store(reinterpret_cast<uintptr_t>(data), std::memory_order_relaxed);
}

}  // namespace slab_hunter
