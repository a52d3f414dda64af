#include "tracker/core/timeline.h"

#include <algorithm>

namespace slab_hunter {
namespace {

void Track(Timeline::Series& series, double bytes, int64_t at_nanos) {
  series.bucket_sum += bytes;
  if (bytes > series.peak_bytes) {
    series.peak_bytes = bytes;
    series.peak_at_nanos = at_nanos;
  }
}

double PointAt(const Timeline::Series& series, size_t index) {
  return index < series.first_point ? 0 : series.points[index - series.first_point];
}

}  // namespace

const char* SiteKindName(SiteKind kind) {
  return kind == SiteKind::kBigBuffer ? "bigBuffer" : "slab";
}

namespace {

TimelineLimits Checked(TimelineLimits limits) {
  limits.max_points = std::max<size_t>(2, limits.max_points & ~size_t{1});
  return limits;
}

}  // namespace

Timeline::Timeline(int64_t started_nanos, TimelineLimits limits)
    : started_nanos_(started_nanos), limits_(Checked(limits)) {}

void Timeline::Add(const SiteTally& tally) {
  ++ticks_;
  ++bucket_ticks_;
  bucket_time_sum_ += static_cast<double>(tally.at_nanos);
  Track(big_buffer_total_, tally.total_big_buffer, tally.at_nanos);
  Track(slab_total_, tally.total_slab, tally.at_nanos);
  for (StackId stack = 0; stack < tally.big_buffer.size(); ++stack) {
    if (tally.big_buffer[stack] > 0) {
      AddToSite({SiteKind::kBigBuffer, stack}, tally.big_buffer[stack], tally.at_nanos);
    }
  }
  for (StackId stack = 0; stack < tally.slab.size(); ++stack) {
    if (tally.slab[stack] > 0) AddToSite({SiteKind::kSlab, stack}, tally.slab[stack], tally.at_nanos);
  }
  if (bucket_ticks_ == ticks_per_point_) CommitPoint();
}

void Timeline::AddToSite(SiteKey site, double bytes, int64_t at_nanos) {
  if (auto it = index_.find(site); it != index_.end()) {
    Track(sites_[it->second], bytes, at_nanos);
    return;
  }
  Series series;
  series.site = site;
  series.first_point = times_.size();
  Track(series, bytes, at_nanos);
  if (sites_.size() < limits_.max_sites) {
    index_[site] = sites_.size();
    sites_.push_back(std::move(series));
    if (sites_.size() == limits_.max_sites) {
      smallest_peak_ = std::min_element(sites_.begin(), sites_.end(),
                                        [](const Series& a, const Series& b) {
                                          return a.peak_bytes < b.peak_bytes;
                                        })->peak_bytes;
    }
    return;
  }
  // Full: a site that holds more than the smallest peak so far takes that site's place, so the
  // sites kept are those that held the most.
  if (bytes <= smallest_peak_) {
    left_out_.insert(site);
    return;
  }
  auto smallest = std::min_element(
      sites_.begin(), sites_.end(),
      [](const Series& a, const Series& b) { return a.peak_bytes < b.peak_bytes; });
  left_out_.erase(site);
  left_out_.insert(smallest->site);
  index_.erase(smallest->site);
  index_[site] = static_cast<size_t>(smallest - sites_.begin());
  *smallest = std::move(series);
  smallest_peak_ = std::min_element(sites_.begin(), sites_.end(),
                                    [](const Series& a, const Series& b) {
                                      return a.peak_bytes < b.peak_bytes;
                                    })->peak_bytes;
}

void Timeline::CommitPoint() {
  const double ticks = static_cast<double>(bucket_ticks_);
  times_.push_back(static_cast<int64_t>(bucket_time_sum_ / ticks));
  auto commit = [&](Series& series) {
    series.points.push_back(series.bucket_sum / ticks);
    series.bucket_sum = 0;
  };
  commit(big_buffer_total_);
  commit(slab_total_);
  for (Series& series : sites_) commit(series);
  bucket_ticks_ = 0;
  bucket_time_sum_ = 0;
  if (times_.size() == limits_.max_points) MergeNeighbours();
}

void Timeline::MergeNeighbours() {
  const size_t merged = times_.size() / 2;
  for (size_t i = 0; i < merged; ++i) times_[i] = (times_[2 * i] + times_[2 * i + 1]) / 2;
  times_.resize(merged);
  auto merge = [&](Series& series) {
    const size_t first = series.first_point / 2;
    std::vector<double> points;
    points.reserve(merged - first);
    for (size_t i = first; i < merged; ++i) {
      points.push_back((PointAt(series, 2 * i) + PointAt(series, 2 * i + 1)) / 2);
    }
    series.points = std::move(points);
    series.first_point = first;
  };
  merge(big_buffer_total_);
  merge(slab_total_);
  for (Series& series : sites_) merge(series);
  ticks_per_point_ *= 2;
}

std::vector<int64_t> Timeline::PointTimes() const {
  std::vector<int64_t> times = times_;
  if (bucket_ticks_ > 0) {
    times.push_back(static_cast<int64_t>(bucket_time_sum_ / static_cast<double>(bucket_ticks_)));
  }
  return times;
}

std::vector<double> Timeline::PointsOf(const Series& series) const {
  std::vector<double> points(series.first_point, 0.0);
  points.insert(points.end(), series.points.begin(), series.points.end());
  // A site that began in the point being filled has no committed point yet.
  points.resize(times_.size(), 0.0);
  if (bucket_ticks_ > 0) points.push_back(series.bucket_sum / static_cast<double>(bucket_ticks_));
  return points;
}

const Timeline::Series* Timeline::Find(SiteKey site) const {
  const auto it = index_.find(site);
  return it == index_.end() ? nullptr : &sites_[it->second];
}

Growth Timeline::GrowthOf(const Series& series, const TrendTest& test) const {
  // From the site's first point: before it the site did not exist, which says nothing of its
  // trend.
  const std::vector<int64_t> times = PointTimes();
  const std::vector<double> points = PointsOf(series);
  const size_t first = std::min(series.first_point, times.size());
  // Up to its last point that held memory: a site freed at the end (a server closed before the
  // program ended, the report's own point after) is judged by its trend while it held memory.
  size_t end = std::min(points.size(), times.size());
  while (end > first && points[end - 1] <= 0) --end;
  return AssessGrowth(absl::MakeConstSpan(times).subspan(first, end - first),
                      absl::MakeConstSpan(points).subspan(first, end - first), test);
}

void Timeline::AppendStackFields(std::vector<StackId*>& fields) {
  for (Series& series : sites_) fields.push_back(&series.site.stack);
}

void Timeline::Reindex() {
  // The sites left out have no stack kept for them: their ids may now name other stacks.
  dropped_before_reindex_ += left_out_.size();
  left_out_.clear();
  index_.clear();
  for (size_t i = 0; i < sites_.size(); ++i) index_[sites_[i].site] = i;
}

}  // namespace slab_hunter
