#include "tracker/core/report_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"

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

// The first line of a location: the frame the user wrote.
std::string FirstLine(std::string text) {
  text.resize(std::min(text.size(), text.find('\n')));
  return text;
}

// Under an entry's location, indented like its frames, what both kinds of entry add: what
// nothing reads, who keeps the memory, and the fix. The unreferenced bytes come first: they are
// what the entry really holds, where the seed's averages mislead ("3000 leaks of avg 59.3 kB"
// for 4.5 MB held). Only each retainer's first frame: that is the line the user wrote.
void AppendEntryDetails(std::string& out, const LeakEntry& entry, const FrameTable& frames,
                        const StackTree& stacks) {
  // A slab entry's figure is a share of its stores' bytes; a person reads whole bytes.
  absl::StrAppend(&out, "    unreferenced: ", FormatBytes(std::round(entry.unreferenced_bytes)),
                  "\n");
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
                    site->site.kind == SiteKind::kBigBuffer ? "big buffers" : "slab retainers",
                    " ", FormatStack(*thread->frames, *thread->stacks, site->site.stack), "\n");
    if (thread_lines) {
      absl::StrAppend(&out, "    thread: ", thread->thread_id,
                      thread->thread_id == 0 ? " (main)" : "", "\n");
    }
    absl::StrAppend(&out, "    ", FormatSiteHistory(site->peak, site->growth), "\n");
  }
}

// The seed's line for each kind of entry, its location included.
std::string SeedLine(const BigBufferLeak& entry, const FrameTable& frames,
                     const StackTree& stacks) {
  const double average = entry.total_size / static_cast<double>(entry.amount);
  return absl::StrCat(entry.amount, " leaks of big buffers of avg size ", FormatBytes(average),
                      " (total: ", FormatBytes(entry.total_size), ") ",
                      FormatStack(frames, stacks, entry.stack), "\n");
}

std::string SeedLine(const SlabLeak& entry, const FrameTable& frames, const StackTree& stacks) {
  const double average = entry.total_leaked_bytes / static_cast<double>(entry.amount);
  return absl::StrCat(entry.amount, " leaks of avg ", FormatBytes(average),
                      " (total: ", FormatBytes(entry.normalised_total_leaked_bytes),
                      " normalised against retainers) ", FormatStack(frames, stacks, entry.stack),
                      "\n");
}

// Each entry with its lines; with `thread_lines`, a line naming its thread first.
template <typename Leak>
void AppendEntries(std::string& out, const std::vector<ThreadEntry<Leak>>& entries,
                   bool thread_lines) {
  for (const ThreadEntry<Leak>& entry : entries) {
    const FrameTable& frames = *entry.thread->frames;
    const StackTree& stacks = *entry.thread->stacks;
    out += SeedLine(*entry.leak, frames, stacks);
    if (thread_lines) {
      absl::StrAppend(&out, "    thread: ", entry.thread->thread_id,
                      entry.thread->thread_id == 0 ? " (main)" : "", "\n");
    }
    AppendEntryDetails(out, *entry.leak, frames, stacks);
  }
}

// Totals can hold fractions of a byte (a slab's bytes are shared among its views); budgets are
// whole bytes.
unsigned long long WholeBytes(double bytes) {
  return static_cast<unsigned long long>(std::ceil(bytes));
}

std::string BudgetText(const std::optional<double>& bytes) {
  return bytes ? absl::StrCat(WholeBytes(*bytes), " bytes") : "none";
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
                           const StackTree& stacks) {
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, &frames, &stacks};
  return FormatOverview(absl::MakeConstSpan(&thread, 1));
}

std::string FormatOverview(absl::Span<const ThreadOverview> threads) {
  const bool thread_lines = HasWorkerEntries(threads);
  const LeakOverview totals = TotalsOf(threads);
  std::string out = "Big buffer potential leaks:\n";
  AppendEntries(out, BigBufferLeaksOf(threads), thread_lines);
  out += "\nSlab retainers potential leaks:\n";
  AppendEntries(out, SlabLeaksOf(threads), thread_lines);
  AppendPeakOnly(out, threads, thread_lines);
  absl::StrAppend(&out, "\nTotal potential big buffer leaks: ",
                  FormatBytes(totals.total_big_buffer_leaks),
                  "\nTotal potential slab-retainer leaks: ",
                  FormatBytes(totals.total_slab_leaks),
                  "\nTotal retained but unreferenced: ",
                  FormatBytes(totals.total_unreferenced_bytes), " (each byte counted once)");
  return out;
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
                    site.site.kind == SiteKind::kBigBuffer ? "big buffers" : "slab retainers",
                    " ",
                    FirstLine(FormatStack(*site.thread->frames, *site.thread->stacks,
                                          site.site.stack)));
    if (site.thread->thread_id != 0) absl::StrAppend(&out, " (thread ", site.thread->thread_id, ")");
    out += "\n";
  }
  return out;
}

std::string FormatBudgetVerdict(const BudgetVerdict& verdict,
                                absl::Span<const ThreadOverview> threads, const Budgets& budgets) {
  std::string out;
  if (!verdict.growing.empty()) {
    absl::StrAppend(&out, "slab-hunter-node: growth budget exceeded (",
                    WholeBytes(budgets.growth.value_or(0)),
                    " bytes per minute): growing sites:\n", FormatGrowingSites(verdict.growing));
  }
  if (verdict.growth_unjudged) {
    out +=
        "slab-hunter-node: growth budget not checked: no site has a growth verdict (a verdict "
        "needs 8 points of the timeline: run longer, or set a shorter --slab-hunter-timeline)\n";
  }
  if (verdict.big_buffer_leaks_over || verdict.slab_leaks_over) {
    const LeakOverview totals = TotalsOf(threads);
    absl::StrAppend(&out, "slab-hunter-node: leak budget exceeded (big-buffer leaks ",
                    WholeBytes(totals.total_big_buffer_leaks), " bytes, budget ",
                    BudgetText(budgets.big_buffer_leaks), "; slab leaks ",
                    WholeBytes(totals.total_slab_leaks), " bytes, budget ",
                    BudgetText(budgets.slab_leaks), ")\n", FormatOverview(threads), "\n");
  }
  return out;
}

}  // namespace slab_hunter
