#include "tracker/core/report_json.h"

#include <charconv>
#include <cstdint>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "tracker/core/node_internals.h"

namespace slab_hunter {
namespace {

// The shortest text that reads back as the same double, as JSON.stringify writes numbers.
std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  // Whole numbers as integers (100000, not 1e+05), as JSON.stringify writes them.
  if (std::floor(value) == value && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string JsonOptional(std::optional<double> value) {
  return value ? JsonNumber(*value) : "null";
}

void AppendFrames(std::string* out, const FrameTable& frames, const StackTree& stacks,
                  StackId stack) {
  out->append("[");
  bool first = true;
  for (FrameId id : stacks.Frames(stack)) {
    const Frame& frame = frames.Get(id);
    absl::StrAppend(out, first ? "" : ",", "{\"function\":", JsonString(frame.function),
                    ",\"file\":", JsonString(frame.script), ",\"line\":", frame.line,
                    ",\"column\":", frame.column, "}");
    first = false;
  }
  out->append("]");
}

// Whether the site is one of Node's own module constants (node_internals.h).
const char* NodeInternal(const FrameTable& frames, const StackTree& stacks, StackId stack) {
  return IsNodeInternalSite(frames, stacks, stack) ? "true" : "false";
}

void AppendLocation(std::string* out, const FrameTable& frames, const StackTree& stacks,
                    StackId stack) {
  absl::StrAppend(out, "\"location\":", JsonString(FormatStack(frames, stacks, stack)),
                  ",\"nodeInternal\":", NodeInternal(frames, stacks, stack), ",\"frames\":");
  AppendFrames(out, frames, stacks, stack);
}

void AppendHeapViews(std::string* out, const std::vector<HeapView>& views) {
  out->append(",\"heapViews\":[");
  for (size_t i = 0; i < views.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "" : ",", "{\"type\":", JsonString(views[i].type),
                    ",\"retainerPath\":", JsonString(views[i].retainer_path), "}");
  }
  out->append("]");
}

// Version 2's fields of an entry: its peak (null without a timeline) and growth.
void AppendHistory(std::string* out, const std::optional<SitePeak>& peak, const Growth& growth) {
  absl::StrAppend(out, ",\"peakBytes\":", peak ? JsonNumber(peak->bytes) : "null",
                  ",\"peakAtMs\":", peak ? JsonNumber(peak->at_ms) : "null",
                  ",\"growth\":{\"verdict\":", JsonString(GrowthVerdictName(growth.verdict)),
                  ",\"bytesPerMinute\":", JsonOptional(growth.bytes_per_minute), "}");
}

void AppendSeries(std::string* out, const std::vector<double>& values) {
  out->append("[");
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "" : ",", JsonNumber(std::round(values[i])));
  }
  out->append("]");
}

void AppendPeakOnly(std::string* out, absl::Span<const ThreadOverview> threads) {
  out->append(",\"peakOnlySites\":[");
  bool first = true;
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    for (const PeakOnlySite& site : thread.overview->peak_only) {
      absl::StrAppend(out, first ? "{" : ",{", "\"kind\":",
                      JsonString(SiteKindName(site.site.kind)), ",");
      AppendLocation(out, *thread.frames, *thread.stacks, site.site.stack);
      absl::StrAppend(out, ",\"threadId\":", thread.thread_id);
      AppendHistory(out, site.peak, site.growth);
      out->append("}");
      first = false;
    }
  }
  out->append("]");
}

// The first thread's timeline, every series one value per point, in whole bytes.
void AppendTimeline(std::string* out, const ThreadOverview* thread) {
  out->append(",\"timeline\":");
  const Timeline* timeline = thread == nullptr || thread->overview == nullptr
                                 ? nullptr
                                 : thread->overview->timeline;
  if (timeline == nullptr) {
    out->append("null");
    return;
  }
  const TimelineLimits& limits = timeline->limits();
  absl::StrAppend(out, "{\"threadId\":", thread->thread_id, ",\"ticks\":", timeline->ticks(),
                  ",\"ticksPerPoint\":", timeline->ticks_per_point(),
                  ",\"maxPoints\":", limits.max_points, ",\"maxSites\":", limits.max_sites,
                  ",\"droppedSites\":", timeline->dropped_sites(), ",\"atMs\":[");
  const std::vector<int64_t> times = timeline->PointTimes();
  for (size_t i = 0; i < times.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "" : ",",
                    JsonNumber(std::round(static_cast<double>(times[i] - timeline->started_nanos()) /
                                          1e6)));
  }
  out->append("],\"totals\":{\"bigBufferLeaks\":");
  AppendSeries(out, timeline->PointsOf(timeline->big_buffer_total()));
  out->append(",\"slabLeaks\":");
  AppendSeries(out, timeline->PointsOf(timeline->slab_total()));
  out->append("},\"sites\":[");
  bool first = true;
  for (const Timeline::Series& series : timeline->sites()) {
    absl::StrAppend(out, first ? "{" : ",{", "\"kind\":", JsonString(SiteKindName(series.site.kind)),
                    ",\"location\":",
                    JsonString(FormatStack(*thread->frames, *thread->stacks, series.site.stack)),
                    ",\"nodeInternal\":",
                    NodeInternal(*thread->frames, *thread->stacks, series.site.stack),
                    ",\"bytes\":");
    AppendSeries(out, timeline->PointsOf(series));
    out->append("}");
    first = false;
  }
  out->append("]}");
}

// "interval95": {"<field>": [low, high], ...} for the estimated `fields`.
void AppendIntervals(std::string* out, absl::Span<const SeedField> fields) {
  out->append(",\"interval95\":{");
  for (size_t i = 0; i < fields.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "\"" : ",\"", fields[i].name, "\":[",
                    JsonNumber(fields[i].estimate->Low()), ",",
                    JsonNumber(fields[i].estimate->High()), "]");
  }
  out->append("}");
}

// One entry of either kind: location, frames and amount, the seed's size fields, then what
// both kinds add (retainers, unreferenced bytes, hint; the heap's views after a heap check).
// Within version 1 fields are only added.
void AppendEntry(std::string* out, const LeakEntry& leak, absl::Span<const SeedField> seed_fields,
                 const FrameTable& frames, const StackTree& stacks, int64_t thread_id,
                 bool sampled) {
  out->append("{");
  AppendLocation(out, frames, stacks, leak.stack);
  absl::StrAppend(out, ",\"threadId\":", thread_id, ",\"amount\":", leak.amount);
  std::vector<SeedField> estimated = {{"amount", 0, &leak.amount_estimate}};
  for (const SeedField& field : seed_fields) {
    absl::StrAppend(out, ",\"", field.name, "\":", JsonNumber(field.value));
    estimated.push_back(field);
  }
  estimated.push_back({"unreferencedBytes", 0, &leak.unreferenced_estimate});
  if (sampled) AppendIntervals(out, estimated);
  out->append(",\"retainers\":[");
  for (size_t i = 0; i < leak.retainers.size(); ++i) {
    out->append(i == 0 ? "{" : ",{");
    AppendLocation(out, frames, stacks, leak.retainers[i].stack);
    absl::StrAppend(out, ",\"amount\":", leak.retainers[i].amount,
                    ",\"bytes\":", JsonNumber(leak.retainers[i].bytes), "}");
  }
  absl::StrAppend(out, "],\"unreferencedBytes\":", JsonNumber(leak.unreferenced_bytes),
                  ",\"hint\":",
                  leak.hint == FixHint::kNone ? "null" : JsonString(FixHintName(leak.hint)));
  if (leak.heap_views) AppendHeapViews(out, *leak.heap_views);
  AppendHistory(out, leak.peak, leak.growth);
  out->append("}");
}

template <typename Leak>
void AppendEntries(std::string* out, const std::vector<ThreadEntry<Leak>>& entries) {
  out->append("[");
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out->append(",");
    const ThreadOverview& thread = *entries[i].thread;
    AppendEntry(out, *entries[i].leak, entries[i].leak->SeedFields(), *thread.frames,
                *thread.stacks, thread.thread_id, thread.overview->sampled);
  }
  out->append("]");
}

void AppendThreads(std::string* out, absl::Span<const ThreadOverview> threads) {
  out->append(",\"threads\":[");
  for (size_t i = 0; i < threads.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "" : ",", "{\"threadId\":", threads[i].thread_id,
                    ",\"state\":", JsonString(ThreadStateName(threads[i].state)), "}");
  }
  out->append("]");
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through unchanged
        }
    }
  }
  return out + "\"";
}

BudgetVerdict CheckBudgets(absl::Span<const ThreadOverview> threads, const Budgets& budgets) {
  const LeakOverview totals = TotalsOf(threads);
  BudgetVerdict verdict;
  verdict.big_buffer_leaks_over =
      budgets.big_buffer_leaks && totals.total_big_buffer_leaks > *budgets.big_buffer_leaks;
  verdict.slab_leaks_over = budgets.slab_leaks && totals.total_slab_leaks > *budgets.slab_leaks;
  if (budgets.growth) {
    verdict.growing = GrowingFasterThan(threads, *budgets.growth);
    const SiteVerdictCount sites = CountSiteVerdicts(threads);
    verdict.growth_unjudged = sites.sites > 0 && sites.judged == 0;
  }
  return verdict;
}

BudgetVerdict CheckBudgets(const LeakOverview& overview, const Budgets& budgets) {
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, nullptr, nullptr};
  return CheckBudgets(absl::MakeConstSpan(&thread, 1), budgets);
}

std::string FormatJson(const LeakOverview& overview, const FrameTable& frames,
                       const StackTree& stacks, const ReportSettings& settings) {
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, &frames, &stacks};
  return FormatJson(absl::MakeConstSpan(&thread, 1), settings);
}

std::string FormatJson(absl::Span<const ThreadOverview> threads, const ReportSettings& settings) {
  const LeakOverview totals = TotalsOf(threads);
  const BudgetVerdict verdict = CheckBudgets(threads, settings.budgets);
  std::string out;
  absl::StrAppend(&out, "{\"schema\":\"slab-hunter-report\",\"version\":", kReportSchemaVersion,
                  ",\"pid\":", settings.pid ? std::to_string(*settings.pid) : "null",
                  ",\"settings\":{\"leakCutoffMs\":", JsonNumber(settings.leak_cutoff_ms),
                  ",\"bigBufferCutoff\":", JsonNumber(settings.big_buffer_cutoff),
                  ",\"stackDepth\":", settings.stack_depth, ",\"sampleIntervalBytes\":",
                  settings.sample_interval > 0 ? JsonNumber(settings.sample_interval) : "null");
  if (settings.sample_interval > 0) {
    absl::StrAppend(&out, ",\"sampleSeed\":",
                    settings.sample_seed ? JsonString(absl::StrCat(*settings.sample_seed)) : "null");
  }
  out.append("}");
  absl::StrAppend(&out, ",\"totals\":{\"bigBufferLeaks\":",
                  JsonNumber(totals.total_big_buffer_leaks),
                  ",\"slabLeaks\":", JsonNumber(totals.total_slab_leaks),
                  ",\"unreferencedBytes\":", JsonNumber(totals.total_unreferenced_bytes));
  if (totals.sampled) {
    AppendIntervals(&out, {{"bigBufferLeaks", 0, &totals.total_big_buffer_estimate},
                           {"slabLeaks", 0, &totals.total_slab_estimate},
                           {"unreferencedBytes", 0, &totals.total_unreferenced_estimate}});
  }
  out.append("}");
  absl::StrAppend(&out, ",\"budgets\":{\"bigBufferLeaks\":",
                  JsonOptional(settings.budgets.big_buffer_leaks),
                  ",\"slabLeaks\":", JsonOptional(settings.budgets.slab_leaks),
                  ",\"growthBytesPerMinute\":", JsonOptional(settings.budgets.growth),
                  ",\"exceeded\":", verdict.exceeded() ? "true" : "false", "}");
  AppendThreads(&out, threads);
  out.append(",\"bigBufferLeaks\":");
  AppendEntries(&out, BigBufferLeaksOf(threads));
  out.append(",\"slabLeaks\":");
  AppendEntries(&out, SlabLeaksOf(threads));
  AppendPeakOnly(&out, threads);
  AppendTimeline(&out, threads.empty() ? nullptr : &threads[0]);
  out.append("}");
  return out;
}

}  // namespace slab_hunter
