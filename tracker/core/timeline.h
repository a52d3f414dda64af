// Timeline: what each site (an entry's allocation site) and the totals held over a run, one
// point per tick, in bounded memory; each site's peak; the growth verdicts taken from it.
// Ticks come from Tracker::TallySites; reports read the series (report_json.h) and the peaks.
#ifndef SLAB_HUNTER_TRACKER_CORE_TIMELINE_H_
#define SLAB_HUNTER_TRACKER_CORE_TIMELINE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/types/span.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/growth.h"

namespace slab_hunter {

enum class SiteKind : uint8_t { kBigBuffer, kSlab };

// "bigBuffer", "slab".
const char* SiteKindName(SiteKind kind);

// A site: where an entry's records were made (stores for big buffers, views for slab leaks).
struct SiteKey {
  SiteKind kind = SiteKind::kBigBuffer;
  StackId stack = kNoStack;
  bool operator==(const SiteKey& other) const {
    return kind == other.kind && stack == other.stack;
  }
  template <typename H>
  friend H AbslHashValue(H hash, const SiteKey& key) {
    return H::combine(std::move(hash), key.kind, key.stack);
  }
};

// The most a site held at one tick, and when (ms since tracking began).
struct SitePeak {
  double bytes = 0;
  double at_ms = 0;
};

// A site that held memory at a tick and holds none now.
struct PeakOnlySite {
  SiteKey site;
  SitePeak peak;
  Growth growth;
};

// What every site held at one instant, as a report made then would count it (its entries'
// totalSize, normalisedTotalLeakedBytes), without a collection first. Indexed by StackId.
struct SiteTally {
  int64_t at_nanos = 0;
  std::vector<double> big_buffer;
  std::vector<double> slab;
  double total_big_buffer = 0;
  double total_slab = 0;
};

struct TimelineLimits {
  // Points per series (even): when full, every two neighbours merge into one (their mean) and
  // each point stands for twice as many ticks from then on.
  size_t max_points = 128;
  // Site series; past it, a new site replaces the one with the smallest peak if it holds more.
  size_t max_sites = 256;
};

class Timeline {
 public:
  struct Series {
    SiteKey site;  // unused for the totals
    // The points before this one are before the site held anything: 0.
    size_t first_point = 0;
    std::vector<double> points;  // mean bytes over each point's ticks
    double bucket_sum = 0;       // this point's ticks so far
    double peak_bytes = 0;       // the most held at one tick, and when
    int64_t peak_at_nanos = 0;
  };

  explicit Timeline(int64_t started_nanos, TimelineLimits limits = {});

  void Add(const SiteTally& tally);

  int64_t started_nanos() const { return started_nanos_; }
  size_t ticks() const { return ticks_; }
  size_t ticks_per_point() const { return ticks_per_point_; }
  // Sites seen that the timeline does not hold (each once; after stack ids were renumbered, a
  // site left out before and after counts twice).
  size_t dropped_sites() const { return dropped_before_reindex_ + left_out_.size(); }
  const TimelineLimits& limits() const { return limits_; }
  // Every point's time (the mean of its ticks'), the point being filled included.
  std::vector<int64_t> PointTimes() const;
  // A series' values at PointTimes() (0 before it began), the point being filled included.
  std::vector<double> PointsOf(const Series& series) const;
  const Series& big_buffer_total() const { return big_buffer_total_; }
  const Series& slab_total() const { return slab_total_; }
  absl::Span<const Series> sites() const { return sites_; }
  const Series* Find(SiteKey site) const;
  Growth GrowthOf(const Series& series, const TrendTest& test = {}) const;

  // The StackId of every site, for the stack tables' reclaim to keep and renumber; Reindex()
  // once they are renumbered.
  void AppendStackFields(std::vector<StackId*>& fields);
  void Reindex();

 private:
  void AddToSite(SiteKey site, double bytes, int64_t at_nanos);
  void CommitPoint();
  void MergeNeighbours();

  const int64_t started_nanos_;
  const TimelineLimits limits_;
  size_t ticks_ = 0;
  size_t ticks_per_point_ = 1;
  size_t bucket_ticks_ = 0;
  double bucket_time_sum_ = 0;
  std::vector<int64_t> times_;
  Series big_buffer_total_;
  Series slab_total_;
  std::vector<Series> sites_;
  absl::flat_hash_map<SiteKey, size_t> index_;
  double smallest_peak_ = 0;  // of sites_, once full
  absl::flat_hash_set<SiteKey> left_out_;
  size_t dropped_before_reindex_ = 0;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_TIMELINE_H_
