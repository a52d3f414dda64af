#include "tracker/core/report_merge.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "tracker/core/retention.h"

namespace slab_hunter {
namespace {

double HeldBytes(const BigBufferLeak& leak) { return leak.total_size; }
double HeldBytes(const SlabLeak& leak) { return leak.normalised_total_leaked_bytes; }

// Processes sample on their own: their estimates add, variances included.
void AddSizes(const BigBufferLeak& from, BigBufferLeak& into) {
  into.total_size += from.total_size;
  into.total_size_estimate.Add(from.total_size_estimate);
}

void AddSizes(const SlabLeak& from, SlabLeak& into) {
  into.total_leaked_bytes += from.total_leaked_bytes;
  into.normalised_total_leaked_bytes += from.normalised_total_leaked_bytes;
  into.total_leaked_estimate.Add(from.total_leaked_estimate);
  into.normalised_estimate.Add(from.normalised_estimate);
}

// A growing verdict first, then any other judged one, each the faster first; unknown last.
bool ShowsFasterGrowth(const Growth& a, const Growth& b) {
  const auto rank = [](const Growth& growth) {
    return growth.verdict == GrowthVerdict::kGrowing ? 2
           : growth.verdict == GrowthVerdict::kUnknown ? 0
                                                        : 1;
  };
  if (rank(a) != rank(b)) return rank(a) > rank(b);
  return a.bytes_per_minute.value_or(0) > b.bytes_per_minute.value_or(0);
}

// One merged site's peak and growth, as the processes add to them.
struct SiteHistory {
  double peak_sum = 0;
  bool timed = false;  // a process had a peak for it
  double largest_peak = -1;
  double largest_peak_at_ms = 0;
  Growth growth;

  // `held`: what the process holds there now, its peak when it has none.
  void Add(const std::optional<SitePeak>& peak, double held, const Growth& process_growth) {
    peak_sum += peak ? peak->bytes : held;
    if (peak) {
      timed = true;
      if (peak->bytes > largest_peak) {
        largest_peak = peak->bytes;
        largest_peak_at_ms = peak->at_ms;
      }
    }
    if (ShowsFasterGrowth(process_growth, growth)) growth = process_growth;
  }

  std::optional<SitePeak> Peak() const {
    if (!timed) return std::nullopt;
    return SitePeak{peak_sum, largest_peak_at_ms};
  }
};

// The entries of one kind of one merged thread.
template <typename Leak>
struct EntryMerge {
  std::vector<Leak> entries;
  std::vector<SiteHistory> histories;
  std::vector<double> largest_held;  // the hint is the largest holder's
  absl::flat_hash_map<StackId, size_t> index;

  void Add(const Leak& from) {
    const auto [it, added] = index.try_emplace(from.stack, entries.size());
    if (added) {
      entries.emplace_back();
      entries.back().stack = from.stack;
      histories.emplace_back();
      largest_held.push_back(-1);
    }
    Leak& into = entries[it->second];
    into.amount += from.amount;
    AddSizes(from, into);
    into.unreferenced_bytes += from.unreferenced_bytes;
    into.amount_estimate.Add(from.amount_estimate);
    into.unreferenced_estimate.Add(from.unreferenced_estimate);
    for (const Retainer& retainer : from.retainers) {
      auto same = std::find_if(into.retainers.begin(), into.retainers.end(),
                               [&](const Retainer& r) { return r.stack == retainer.stack; });
      if (same == into.retainers.end()) {
        into.retainers.push_back(retainer);
      } else {
        same->amount += retainer.amount;
        same->bytes += retainer.bytes;
      }
    }
    if (HeldBytes(from) > largest_held[it->second]) {
      largest_held[it->second] = HeldBytes(from);
      into.hint = from.hint;
    }
    if (from.heap_views) {
      if (!into.heap_views) into.heap_views.emplace();
      into.heap_views->insert(into.heap_views->end(), from.heap_views->begin(),
                              from.heap_views->end());
    }
    histories[it->second].Add(from.peak, HeldBytes(from), from.growth);
  }

  SiteHistory* Find(StackId stack) {
    const auto it = index.find(stack);
    return it == index.end() ? nullptr : &histories[it->second];
  }

  // As Analyze orders them: most held first, ties by StackId.
  std::vector<Leak> Finish() {
    for (size_t i = 0; i < entries.size(); ++i) {
      entries[i].peak = histories[i].Peak();
      entries[i].growth = histories[i].growth;
      std::sort(entries[i].retainers.begin(), entries[i].retainers.end(), RetainerBefore);
    }
    std::sort(entries.begin(), entries.end(), [](const Leak& a, const Leak& b) {
      if (HeldBytes(a) != HeldBytes(b)) return HeldBytes(a) > HeldBytes(b);
      return a.stack < b.stack;
    });
    return std::move(entries);
  }
};

struct ThreadMerge {
  std::optional<ThreadState> state;
  EntryMerge<BigBufferLeak> big_buffer;
  EntryMerge<SlabLeak> slab;
  std::vector<SiteKey> peak_only_order;
  absl::flat_hash_map<SiteKey, SiteHistory> peak_only;

  void AddState(int64_t thread_id, ThreadState process_state) {
    if (thread_id == 0) {
      state = ThreadState::kRunning;
    } else if (!state || (*state == ThreadState::kUnanswered &&
                          process_state != ThreadState::kUnanswered)) {
      state = process_state;
    }
  }

  // After every process's entries, so that a site that is an entry anywhere is one here.
  void AddPeakOnly(const PeakOnlySite& site) {
    SiteHistory* entry = site.site.kind == SiteKind::kBigBuffer ? big_buffer.Find(site.site.stack)
                                                                 : slab.Find(site.site.stack);
    if (entry == nullptr) {
      const auto [it, added] = peak_only.try_emplace(site.site);
      if (added) peak_only_order.push_back(site.site);
      entry = &it->second;
    }
    entry->Add(site.peak, site.peak.bytes, site.growth);
  }

  std::vector<PeakOnlySite> FinishPeakOnly() const {
    std::vector<PeakOnlySite> sites;
    for (const SiteKey& key : peak_only_order) {
      const SiteHistory& history = peak_only.at(key);
      sites.push_back({key, *history.Peak(), history.growth});
    }
    // As AddSiteHistory orders them.
    std::sort(sites.begin(), sites.end(), [](const PeakOnlySite& a, const PeakOnlySite& b) {
      if (a.peak.bytes != b.peak.bytes) return a.peak.bytes > b.peak.bytes;
      if (a.site.kind != b.site.kind) return a.site.kind < b.site.kind;
      return a.site.stack < b.site.stack;
    });
    return sites;
  }
};

}  // namespace

std::vector<ReportThread> MergeReports(absl::Span<const ProcessReport> reports) {
  std::map<int64_t, ThreadMerge> threads;
  LeakOverview totals;
  for (const ProcessReport& report : reports) {
    for (const ReportThread& thread : report.threads) {
      ThreadMerge& merge = threads[thread.thread_id];
      merge.AddState(thread.thread_id, thread.state);
      for (const BigBufferLeak& leak : thread.overview.big_buffer_leaks) merge.big_buffer.Add(leak);
      for (const SlabLeak& leak : thread.overview.slab_leaks) merge.slab.Add(leak);
      totals.total_big_buffer_leaks += thread.overview.total_big_buffer_leaks;
      totals.total_slab_leaks += thread.overview.total_slab_leaks;
      totals.total_unreferenced_bytes += thread.overview.total_unreferenced_bytes;
      totals.total_big_buffer_estimate.Add(thread.overview.total_big_buffer_estimate);
      totals.total_slab_estimate.Add(thread.overview.total_slab_estimate);
      totals.total_unreferenced_estimate.Add(thread.overview.total_unreferenced_estimate);
      MergeSampling(thread.overview, totals);
    }
  }
  for (const ProcessReport& report : reports) {
    for (const ReportThread& thread : report.threads) {
      for (const PeakOnlySite& site : thread.overview.peak_only) {
        threads[thread.thread_id].AddPeakOnly(site);
      }
    }
  }
  std::vector<ReportThread> merged;
  for (auto& [thread_id, merge] : threads) {
    ReportThread& thread = merged.emplace_back();
    thread.thread_id = thread_id;
    thread.state = *merge.state;
    thread.overview.big_buffer_leaks = merge.big_buffer.Finish();
    thread.overview.slab_leaks = merge.slab.Finish();
    thread.overview.peak_only = merge.FinishPeakOnly();
    MergeSampling(totals, thread.overview);
  }
  if (!merged.empty()) {
    LeakOverview& first = merged.front().overview;
    first.total_big_buffer_leaks = totals.total_big_buffer_leaks;
    first.total_slab_leaks = totals.total_slab_leaks;
    first.total_unreferenced_bytes = totals.total_unreferenced_bytes;
    first.total_big_buffer_estimate = totals.total_big_buffer_estimate;
    first.total_slab_estimate = totals.total_slab_estimate;
    first.total_unreferenced_estimate = totals.total_unreferenced_estimate;
  }
  return merged;
}

std::string FormatMergedJson(absl::Span<const ReportThread> merged, const SharedStacks& stacks,
                             absl::Span<const ProcessReport> reports,
                             const ReportSettings& settings) {
  ReportSettings merged_settings = settings;
  merged_settings.pid.reset();
  std::string out = FormatJson(ThreadOverviewsOf(merged, stacks), merged_settings);
  out.pop_back();  // FormatJson's closing brace: "processes" goes last
  out.append(",\"processes\":[");
  for (size_t i = 0; i < reports.size(); ++i) {
    const ProcessReport& report = reports[i];
    absl::StrAppend(&out, i == 0 ? "{" : ",{", "\"pid\":",
                    report.settings.pid ? absl::StrCat(*report.settings.pid) : "null",
                    ",\"file\":", JsonString(report.file), ",\"threads\":[");
    for (size_t j = 0; j < report.threads.size(); ++j) {
      absl::StrAppend(&out, j == 0 ? "" : ",", "{\"threadId\":", report.threads[j].thread_id,
                      ",\"state\":", JsonString(ThreadStateName(report.threads[j].state)), "}");
    }
    absl::StrAppend(&out, "],\"timeline\":", report.timeline_json, "}");
  }
  out.append("]}");
  return out;
}

}  // namespace slab_hunter
