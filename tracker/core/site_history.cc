#include "tracker/core/site_history.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"

namespace slab_hunter {
namespace {

double MillisSince(int64_t start_nanos, int64_t at_nanos) {
  return static_cast<double>(at_nanos - start_nanos) / 1e6;
}

template <typename Leak>
void AddToEntries(const Timeline& timeline, int64_t now_nanos, SiteKind kind, double Leak::*held,
                  std::vector<Leak>& entries, const TrendTest& test,
                  absl::flat_hash_set<SiteKey>& entry_sites) {
  for (Leak& entry : entries) {
    const SiteKey site{kind, entry.stack};
    entry_sites.insert(site);
    const Timeline::Series* series = timeline.Find(site);
    SitePeak peak{entry.*held, MillisSince(timeline.started_nanos(), now_nanos)};
    if (series != nullptr) {
      entry.growth = timeline.GrowthOf(*series, test);
      if (series->peak_bytes >= peak.bytes) {
        peak = {series->peak_bytes, MillisSince(timeline.started_nanos(), series->peak_at_nanos)};
      }
    }
    entry.peak = peak;
  }
}

template <typename Leak>
void AddGrowing(const std::vector<Leak>& entries, SiteKind kind, double bytes_per_minute,
                const ThreadOverview& thread, std::vector<GrowingSite>& growing) {
  for (const Leak& entry : entries) {
    if (entry.growth.verdict == GrowthVerdict::kGrowing &&
        *entry.growth.bytes_per_minute > bytes_per_minute) {
      growing.push_back({{kind, entry.stack}, *entry.growth.bytes_per_minute, &thread});
    }
  }
}

}  // namespace

void AddSiteHistory(const Timeline& timeline, int64_t now_nanos, LeakOverview& overview,
                    const TrendTest& test) {
  absl::flat_hash_set<SiteKey> entry_sites;
  AddToEntries(timeline, now_nanos, SiteKind::kBigBuffer, &BigBufferLeak::total_size,
               overview.big_buffer_leaks, test, entry_sites);
  AddToEntries(timeline, now_nanos, SiteKind::kSlab, &SlabLeak::normalised_total_leaked_bytes,
               overview.slab_leaks, test, entry_sites);
  overview.peak_only.clear();
  for (const Timeline::Series& series : timeline.sites()) {
    if (entry_sites.contains(series.site) || series.peak_bytes <= 0) continue;
    overview.peak_only.push_back(
        {series.site,
         {series.peak_bytes, MillisSince(timeline.started_nanos(), series.peak_at_nanos)},
         timeline.GrowthOf(series, test)});
  }
  std::sort(overview.peak_only.begin(), overview.peak_only.end(),
            [](const PeakOnlySite& a, const PeakOnlySite& b) {
              if (a.peak.bytes != b.peak.bytes) return a.peak.bytes > b.peak.bytes;
              if (a.site.kind != b.site.kind) return a.site.kind < b.site.kind;
              return a.site.stack < b.site.stack;
            });
  overview.timeline = &timeline;
}

std::vector<GrowingSite> GrowingFasterThan(absl::Span<const ThreadOverview> threads,
                                           double bytes_per_minute) {
  std::vector<GrowingSite> growing;
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    const LeakOverview& overview = *thread.overview;
    AddGrowing(overview.big_buffer_leaks, SiteKind::kBigBuffer, bytes_per_minute, thread,
               growing);
    AddGrowing(overview.slab_leaks, SiteKind::kSlab, bytes_per_minute, thread, growing);
    for (const PeakOnlySite& site : overview.peak_only) {
      if (site.growth.verdict == GrowthVerdict::kGrowing &&
          *site.growth.bytes_per_minute > bytes_per_minute) {
        growing.push_back({site.site, *site.growth.bytes_per_minute, &thread});
      }
    }
  }
  std::stable_sort(growing.begin(), growing.end(), [](const GrowingSite& a, const GrowingSite& b) {
    return a.bytes_per_minute > b.bytes_per_minute;
  });
  return growing;
}

SiteVerdictCount CountSiteVerdicts(absl::Span<const ThreadOverview> threads) {
  SiteVerdictCount count;
  auto add = [&count](const Growth& growth) {
    ++count.sites;
    if (growth.verdict != GrowthVerdict::kUnknown) ++count.judged;
  };
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    for (const BigBufferLeak& entry : thread.overview->big_buffer_leaks) add(entry.growth);
    for (const SlabLeak& entry : thread.overview->slab_leaks) add(entry.growth);
    for (const PeakOnlySite& site : thread.overview->peak_only) add(site.growth);
  }
  return count;
}

}  // namespace slab_hunter
