#include "tracker/core/report_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tracker/core/node_internals.h"

namespace slab_hunter {

namespace {

// byte-size 9.0.1's "metric" table; `from` 0 marks the unit whose value is the byte count itself.
struct Unit {
  double from;
  double to;
  const char* name;
};
constexpr Unit kMetricUnits[] = {
    {0, 1e3, "B"},     {1e3, 1e6, "kB"},   {1e6, 1e9, "MB"},
    {1e9, 1e12, "GB"}, {1e12, 1e15, "TB"}, {1e15, 1e18, "PB"},
    {1e18, 1e21, "EB"}, {1e21, 1e24, "ZB"}, {1e24, 1e27, "YB"},
};

// The shortest decimal that reads back as `value`: the digits ICU (behind Intl.NumberFormat)
// rounds from, so 0.15 rounds up to 0.2 even though the double is just below 0.15.
std::string ShortestDecimal(double value, std::chars_format format) {
  char buffer[400];  // the longest fixed-notation double has 309 integer digits
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, format);
  return std::string(buffer, result.ptr);
}

// Adds one unit in the last place of a string of decimal digits, carrying as far as needed.
void IncrementDigits(std::string& digits) {
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it != '9') {
      ++*it;
      return;
    }
    *it = '0';
  }
  digits.insert(digits.begin(), '1');
}

// Intl.NumberFormat("en-US", {maximumFractionDigits: 1}).format(value) for finite value >= 0:
// half rounded away from zero, no trailing zero, "," between groups of three integer digits.
std::string FormatLikeIntl(double value) {
  const std::string decimal = ShortestDecimal(value, std::chars_format::fixed);
  const size_t point = decimal.find('.');
  std::string integer = decimal.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : decimal.substr(point + 1);
  if (fraction.size() > 1) {
    const bool round_up = fraction[1] >= '5';
    // Round integer and first fraction digit together so a carry reaches the integer part.
    std::string digits = integer + fraction[0];
    if (round_up) IncrementDigits(digits);
    integer = digits.substr(0, digits.size() - 1);
    fraction = digits.substr(digits.size() - 1);
  }
  if (fraction == "0") fraction.clear();

  std::string out;
  for (size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) out += ',';
    out += integer[i];
  }
  if (!fraction.empty()) absl::StrAppend(&out, ".", fraction);
  return out;
}

// JS's String(number) for the values past the table (>= 1e27, Infinity, NaN): at that size JS
// always uses exponent notation, "1.5e+27", which is also what to_chars' scientific form gives.
std::string JsNumberString(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return "Infinity";
  return ShortestDecimal(value, std::chars_format::scientific);
}

// How the text names a kind of site.
const char* SiteKindText(SiteKind kind) {
  return kind == SiteKind::kBigBuffer ? "big buffers" : "slab retainers";
}

// The first line of a location: the frame the user wrote.
std::string FirstLine(std::string text) {
  text.resize(std::min(text.size(), text.find('\n')));
  return text;
}

// Under an entry's location, indented like its frames, what both kinds of entry add: what
// nothing reads, who keeps the memory, and the fix. The unreferenced bytes come first: they are
// what the entry really holds, where the seed's averages mislead ("3000 leaks of avg 59.3 kB"
// for 4.5 MB held). Only each retainer's first frame: that is the line the user wrote.
void AppendEntryDetails(std::string& out, const LeakEntry& entry, const Estimate& held,
                        const FrameTable& frames, const StackTree& stacks, bool sampled) {
  if (sampled) {
    absl::StrAppend(&out, "    estimated from a sample: ",
                    FormatLikeIntl(std::round(entry.amount_estimate.value)), " ",
                    FormatCountInterval(entry.amount_estimate), ", ",
                    FormatBytes(std::round(held.value)), " ", FormatBytesInterval(held), "\n");
  }
  // A slab entry's figure is a share of its stores' bytes; a person reads whole bytes.
  absl::StrAppend(&out, "    unreferenced: ", FormatBytes(std::round(entry.unreferenced_bytes)),
                  sampled ? " " + FormatBytesInterval(entry.unreferenced_estimate) : "", "\n");
  const size_t shown = std::min(entry.retainers.size(), kTextRetainerLines);
  for (size_t i = 0; i < shown; ++i) {
    const Retainer& retainer = entry.retainers[i];
    const std::string stack = FirstLine(FormatStack(frames, stacks, retainer.stack));
    absl::StrAppend(&out, "    retained by ", retainer.amount, " view(s) of ",
                    FormatBytes(retainer.bytes), " ", stack, "\n");
  }
  if (entry.retainers.size() > shown) {
    absl::StrAppend(&out, "    ... and ", entry.retainers.size() - shown,
                    " more retainer sites\n");
  }
  if (entry.hint != FixHint::kNone) {
    // Debian's Abseil has its own string_view, which AlphaNum cannot take from std's.
    out.append("    fix: ").append(FixHintText(entry.hint)).append("\n");
  }
  // Last, so that the lines above keep their places with or without a timeline.
  if (entry.peak) absl::StrAppend(&out, "    ", FormatSiteHistory(*entry.peak, entry.growth), "\n");
}

// The sites every thread's timeline saw hold memory that hold none now.
void AppendPeakOnly(std::string& out, absl::Span<const ThreadOverview> threads,
                    bool thread_lines) {
  std::vector<std::pair<const PeakOnlySite*, const ThreadOverview*>> sites;
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    for (const PeakOnlySite& site : thread.overview->peak_only) sites.push_back({&site, &thread});
  }
  if (sites.empty()) return;
  std::stable_sort(sites.begin(), sites.end(), [](const auto& a, const auto& b) {
    return a.first->peak.bytes > b.first->peak.bytes;
  });
  out += "\nHeld at their peak, nothing now (not in the totals):\n";
  for (const auto& [site, thread] : sites) {
    absl::StrAppend(&out,
                    SiteKindText(site->site.kind),
                    " ", FormatStack(*thread->frames, *thread->stacks, site->site.stack), "\n");
    if (thread_lines) {
      absl::StrAppend(&out, "    thread: ", thread->thread_id,
                      thread->thread_id == 0 ? " (main)" : "", "\n");
    }
    absl::StrAppend(&out, "    ", FormatSiteHistory(site->peak, site->growth), "\n");
  }
}

// What an entry keeps, as estimated (HeldBytes).
const Estimate& HeldEstimate(const BigBufferLeak& entry) { return entry.total_size_estimate; }
const Estimate& HeldEstimate(const SlabLeak& entry) { return entry.normalised_estimate; }

// What an average divides by: sampled, the amount is a rounded estimate, and the average divides
// by the estimate itself (an entry made by hand has only the amount).
double AmountDivisor(const LeakEntry& entry) {
  return entry.amount_estimate.value > 0 ? entry.amount_estimate.value
                                         : static_cast<double>(entry.amount);
}

// The seed's line for each kind of entry, its location included.
std::string SeedLine(const BigBufferLeak& entry, const FrameTable& frames,
                     const StackTree& stacks) {
  const double average = entry.total_size / AmountDivisor(entry);
  return absl::StrCat(entry.amount, " leaks of big buffers of avg size ", FormatBytes(average),
                      " (total: ", FormatBytes(entry.total_size), ") ",
                      FormatStack(frames, stacks, entry.stack), "\n");
}

std::string SeedLine(const SlabLeak& entry, const FrameTable& frames, const StackTree& stacks) {
  const double average = entry.total_leaked_bytes / AmountDivisor(entry);
  return absl::StrCat(entry.amount, " leaks of avg ", FormatBytes(average),
                      " (total: ", FormatBytes(entry.normalised_total_leaked_bytes),
                      " normalised against retainers) ", FormatStack(frames, stacks, entry.stack),
                      "\n");
}

// Node's own module constants, counted instead of listed.
struct FoldedSites {
  size_t count = 0;
  double bytes = 0;
};

// What an entry keeps that the program may not need: a big buffer's stores, a slab entry's
// share of its slabs.
double HeldBytes(const BigBufferLeak& entry) { return entry.total_size; }
double HeldBytes(const SlabLeak& entry) { return entry.normalised_total_leaked_bytes; }

// Whether `entry` is one of Node's own module constants that `options` folds; if so, it is
// counted in `folded`.
template <typename Leak>
bool FoldIfInternal(const ThreadEntry<Leak>& entry, const TextOptions& options,
                    FoldedSites& folded) {
  if (options.show_internals ||
      !IsNodeInternalSite(*entry.thread->frames, *entry.thread->stacks, entry.leak->stack)) {
    return false;
  }
  ++folded.count;
  folded.bytes += HeldBytes(*entry.leak);
  return true;
}

std::string FoldedLine(const FoldedSites& folded) {
  return absl::StrCat("Node internals: ", folded.count, folded.count == 1 ? " site, " : " sites, ",
                      FormatBytes(std::round(folded.bytes)),
                      " (module constants of Node's own modules; --slab-hunter-show-internals "
                      "lists them)");
}

// Each entry with its lines; with `thread_lines`, a line naming its thread first. Node's own
// module constants are added to `folded` unless `options` lists them.
template <typename Leak>
void AppendEntries(std::string& out, const std::vector<ThreadEntry<Leak>>& entries,
                   bool thread_lines, const TextOptions& options, FoldedSites& folded) {
  for (const ThreadEntry<Leak>& entry : entries) {
    if (FoldIfInternal(entry, options, folded)) continue;
    const FrameTable& frames = *entry.thread->frames;
    const StackTree& stacks = *entry.thread->stacks;
    out += SeedLine(*entry.leak, frames, stacks);
    if (thread_lines) {
      absl::StrAppend(&out, "    thread: ", entry.thread->thread_id,
                      entry.thread->thread_id == 0 ? " (main)" : "", "\n");
    }
    AppendEntryDetails(out, *entry.leak, HeldEstimate(*entry.leak), frames, stacks,
                       entry.thread->overview->sampled);
  }
}

// One line of the answer: a site and what it keeps (or, freed by now, what it kept at its peak).
struct AnswerRow {
  double bytes = 0;
  SiteKind kind = SiteKind::kBigBuffer;
  StackId stack = kNoStack;
  const Growth* growth = nullptr;
  bool has_peak = false;
  FixHint hint = FixHint::kNone;
  bool freed = false;  // a peak-only site: `bytes` is its peak
  const ThreadOverview* thread = nullptr;
};

template <typename Leak>
void AddAnswerRows(const std::vector<ThreadEntry<Leak>>& entries, SiteKind kind,
                   const TextOptions& options, std::vector<AnswerRow>& rows,
                   FoldedSites& folded) {
  for (const ThreadEntry<Leak>& entry : entries) {
    if (FoldIfInternal(entry, options, folded)) continue;
    const LeakEntry& leak = *entry.leak;
    rows.push_back({HeldBytes(*entry.leak), kind, leak.stack, &leak.growth, leak.peak.has_value(),
                    leak.hint, false, entry.thread});
  }
}

// The sites freed by now that were growing while they held memory: a leak whose owner went
// away before the report (a server closed before the program ended).
void AddFreedGrowingRows(absl::Span<const ThreadOverview> threads, std::vector<AnswerRow>& rows) {
  for (const ThreadOverview& thread : threads) {
    if (thread.overview == nullptr) continue;
    for (const PeakOnlySite& site : thread.overview->peak_only) {
      if (site.growth.verdict != GrowthVerdict::kGrowing) continue;
      rows.push_back({site.peak.bytes, site.site.kind, site.site.stack, &site.growth, true,
                      FixHint::kNone, true, &thread});
    }
  }
}

bool IsGrowing(const AnswerRow& row) { return row.growth->verdict == GrowthVerdict::kGrowing; }

// "growing +1.2 MB/min", "steady", "unknown".
std::string GrowthText(const Growth& growth) {
  std::string text(GrowthVerdictName(growth.verdict));
  if ((growth.verdict == GrowthVerdict::kGrowing || growth.verdict == GrowthVerdict::kShrinking) &&
      growth.bytes_per_minute) {
    absl::StrAppend(&text, " ", FormatRate(*growth.bytes_per_minute));
  }
  return text;
}

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string FormatBytes(double bytes) {
  // byte-size formats the magnitude and puts the sign in front, so -0.01 gives "-0 B".
  const char* const sign = bytes < 0 ? "-" : "";
  bytes = std::fabs(bytes);
  for (const Unit& unit : kMetricUnits) {
    if (bytes >= unit.from && bytes < unit.to) {
      const double value = unit.from == 0 ? bytes : bytes / unit.from;
      return absl::StrCat(sign, FormatLikeIntl(value), " ", unit.name);
    }
  }
  // byte-size's `${value} ${unit}` with no unit found keeps the trailing space.
  return absl::StrCat(sign, JsNumberString(bytes), " ");
}

std::string FormatOverview(const LeakOverview& overview, const FrameTable& frames,
                           const StackTree& stacks, const TextOptions& options) {
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, &frames, &stacks};
  return FormatOverview(absl::MakeConstSpan(&thread, 1), options);
}

std::string FormatOverview(absl::Span<const ThreadOverview> threads, const TextOptions& options) {
  const bool thread_lines = HasWorkerEntries(threads);
  const LeakOverview totals = TotalsOf(threads);
  FoldedSites folded;
  std::string out = "Big buffer potential leaks:\n";
  AppendEntries(out, BigBufferLeaksOf(threads), thread_lines, options, folded);
  out += "\nSlab retainers potential leaks:\n";
  AppendEntries(out, SlabLeaksOf(threads), thread_lines, options, folded);
  if (folded.count > 0) absl::StrAppend(&out, "\n", FoldedLine(folded), "\n");
  AppendPeakOnly(out, threads, thread_lines);
  // Sampled, each total is followed by its 95% interval.
  const auto interval = [&](const Estimate& estimate) {
    return totals.sampled ? " " + FormatBytesInterval(estimate) : std::string();
  };
  absl::StrAppend(&out, "\nTotal potential big buffer leaks: ",
                  FormatBytes(totals.total_big_buffer_leaks),
                  interval(totals.total_big_buffer_estimate),
                  "\nTotal potential slab-retainer leaks: ",
                  FormatBytes(totals.total_slab_leaks), interval(totals.total_slab_estimate),
                  "\nTotal retained but unreferenced: ",
                  FormatBytes(totals.total_unreferenced_bytes),
                  interval(totals.total_unreferenced_estimate), " (each byte counted once)");
  if (totals.sampled) {
    absl::StrAppend(&out, "\n(sampled at a mean interval of ", FormatBytes(totals.sample_interval),
                    totals.sample_seed ? absl::StrCat(", seed ", *totals.sample_seed) : "",
                    ": the figures are estimates of the whole program's, with 95% intervals)");
  }
  return out;
}

std::string FormatAnswer(absl::Span<const ThreadOverview> threads, const TextOptions& options) {
  std::vector<AnswerRow> rows;
  FoldedSites folded;
  AddAnswerRows(BigBufferLeaksOf(threads), SiteKind::kBigBuffer, options, rows, folded);
  AddAnswerRows(SlabLeaksOf(threads), SiteKind::kSlab, options, rows, folded);
  // The sites the header counts: what is kept now.
  size_t kept_sites = rows.size();
  double big_buffer_bytes = 0;  // the sites listed, not the totals, which count Node's too
  double slab_bytes = 0;
  for (const AnswerRow& row : rows) {
    (row.kind == SiteKind::kBigBuffer ? big_buffer_bytes : slab_bytes) += row.bytes;
  }
  AddFreedGrowingRows(threads, rows);
  std::stable_sort(rows.begin(), rows.end(), [](const AnswerRow& a, const AnswerRow& b) {
    if (IsGrowing(a) != IsGrowing(b)) return IsGrowing(a);
    if (IsGrowing(a)) return *a.growth->bytes_per_minute > *b.growth->bytes_per_minute;
    return a.bytes > b.bytes;
  });
  if (rows.empty() && folded.count == 0) {
    return absl::StrCat("slab-hunter-node: no site keeps memory the program may not need",
                        TotalsOf(threads).sampled ? " (none in the sample; see the totals' intervals)" : "",
                        "\n");
  }
  const bool has_timeline =
      std::any_of(rows.begin(), rows.end(), [](const AnswerRow& row) { return row.has_peak; });
  const bool judged = std::any_of(rows.begin(), rows.end(), [](const AnswerRow& row) {
    return row.growth->verdict != GrowthVerdict::kUnknown;
  });
  const size_t growing = std::count_if(rows.begin(), rows.end(), IsGrowing);
  const size_t freed = rows.size() - kept_sites;
  std::string out = absl::StrCat(
      "slab-hunter-node: ", kept_sites, kept_sites == 1 ? " site keeps" : " sites keep",
      " memory the program may not need (big buffers ", FormatBytes(big_buffer_bytes),
      ", slab retainers ", FormatBytes(slab_bytes), ")");
  if (judged) {
    absl::StrAppend(&out, "; ", growing, " growing");
    if (freed > 0) absl::StrAppend(&out, " (", freed, " of them freed by the end)");
  } else if (has_timeline) {
    out += "; growth not known yet (a verdict needs 8 points of the timeline)";
  }
  if (TotalsOf(threads).sampled) out += "; estimated from a sample";
  out += ":\n";
  const size_t shown = std::min(rows.size(), kAnswerSiteLines);
  size_t bytes_width = 0;
  size_t growth_width = 0;
  for (size_t i = 0; i < shown; ++i) {
    bytes_width = std::max(bytes_width, FormatBytes(std::round(rows[i].bytes)).size() + 2);
    if (judged) growth_width = std::max(growth_width, GrowthText(*rows[i].growth).size() + 2);
  }
  for (size_t i = 0; i < shown; ++i) {
    const AnswerRow& row = rows[i];
    absl::StrAppend(&out, "  ", Padded(FormatBytes(std::round(row.bytes)), bytes_width),
                    judged ? Padded(GrowthText(*row.growth), growth_width) : "",
                    SiteKindText(row.kind), " ",
                    FirstLine(FormatStack(*row.thread->frames, *row.thread->stacks, row.stack)));
    if (row.thread->thread_id != 0) absl::StrAppend(&out, " (thread ", row.thread->thread_id, ")");
    if (row.freed) out += " (its peak: freed by the end)";
    out += "\n";
    if (row.hint != FixHint::kNone) {
      out.append(2 + bytes_width, ' ').append("fix: ").append(FixHintText(row.hint));
      out += "\n";
    }
  }
  if (rows.size() > shown) {
    absl::StrAppend(&out, "  ... and ", rows.size() - shown, " more sites (below)\n");
  }
  if (folded.count > 0) absl::StrAppend(&out, "  ", FoldedLine(folded), "\n");
  return out;
}

std::string FormatBytesInterval(const Estimate& estimate) {
  return absl::StrCat("(95%: ", FormatBytes(std::round(estimate.Low())), " to ",
                      FormatBytes(std::round(estimate.High())), ")");
}

std::string FormatCountInterval(const Estimate& estimate) {
  return absl::StrCat("(95%: ", FormatLikeIntl(std::round(estimate.Low())), " to ",
                      FormatLikeIntl(std::round(estimate.High())), ")");
}

std::string FormatRate(double bytes_per_minute) {
  return absl::StrCat(bytes_per_minute < 0 ? "" : "+", FormatBytes(bytes_per_minute), "/min");
}

std::string FormatSiteHistory(const SitePeak& peak, const Growth& growth) {
  std::string out = absl::StrCat("growth: ", std::string(GrowthVerdictName(growth.verdict)));
  if (growth.bytes_per_minute) {
    absl::StrAppend(&out, ", ", FormatRate(*growth.bytes_per_minute));
  } else {
    out += " (too few points)";
  }
  absl::StrAppend(&out, "; peak ", FormatBytes(std::round(peak.bytes)), " at ",
                  FormatLikeIntl(std::max(0.0, peak.at_ms) / 1000), " s");
  return out;
}

std::string FormatGrowingSites(absl::Span<const GrowingSite> sites) {
  std::string out;
  for (const GrowingSite& site : sites) {
    absl::StrAppend(&out, "  ", FormatRate(site.bytes_per_minute), " ",
                    SiteKindText(site.site.kind),
                    " ",
                    FirstLine(FormatStack(*site.thread->frames, *site.thread->stacks,
                                          site.site.stack)));
    if (site.thread->thread_id != 0) absl::StrAppend(&out, " (thread ", site.thread->thread_id, ")");
    out += "\n";
  }
  return out;
}

}  // namespace slab_hunter
