// Byte-weighted sampling (--slab-hunter-sample-bytes): each backing store is kept, with every
// view on it, with probability 1 - exp(-size / interval), as heap profilers sample allocations;
// and the estimates that weighting kept stores by the inverse of that probability gives.
#ifndef SLAB_HUNTER_TRACKER_CORE_SAMPLING_H_
#define SLAB_HUNTER_TRACKER_CORE_SAMPLING_H_

#include <cstddef>
#include <cstdint>
#include <random>

namespace slab_hunter {

// The probability that a store of `bytes` is sampled at a mean interval of `interval` bytes
// (<= 0: every store is).
double SampleProbability(double bytes, double interval);

// A Poisson process over the bytes of the stores made, one per thread: a store is sampled when
// at least one point of the process falls within it. The exponential gap to the next point is
// memoryless, so each store is sampled independently with SampleProbability(its size).
class ByteSampler {
 public:
  ByteSampler(double interval, uint64_t seed);
  // Whether the next store, of `bytes`, is sampled; the result's weight is 1 / its probability.
  struct Decision {
    bool sampled = false;
    float weight = 1;
  };
  Decision Next(double bytes);
  double interval() const { return interval_; }

 private:
  double NextGap();
  double interval_;
  std::mt19937_64 random_;
  double bytes_to_next_point_;
};

// A sum estimated from sampled stores (the Horvitz-Thompson estimator over stores): each
// sampled store adds its own part `y` times its weight 1/p; the variance estimate adds
// (1 - p) (y/p)^2 per store. Views are sampled with their stores, so the unit is the store.
struct Estimate {
  double value = 0;     // the estimate
  double variance = 0;  // its estimated variance
  double observed = 0;  // what the sampled stores hold: a lower bound on the true value

  void AddStore(double part, double weight);
  // When no store was sampled, the stores' bytes (and so any total of them) are below
  // ln(20) x interval with 95% confidence: all of B bytes are missed with probability
  // exp(-B / interval), whatever their sizes. Widens the interval to say so.
  void BoundUnseen(double interval);
  void Add(const Estimate& other);
  // The 95% confidence interval (normal approximation), never below what was observed.
  double Low() const;
  double High() const;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_SAMPLING_H_
