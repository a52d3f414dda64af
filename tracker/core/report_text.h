// The seed's text report ("Big buffer potential leaks: ..."), byte sizes in its SI style, with
// each entry's unreferenced bytes, retainers and fix hint beneath it.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_TEXT_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_TEXT_H_

#include <cstddef>
#include <string>

#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/site_history.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {

// npm byte-size 9's default: metric units (B, kB, MB, ...), at most one decimal, trailing
// zero dropped, half rounded away from zero: 8100 -> "8.1 kB", 100000 -> "100 kB", 12 -> "12 B".
std::string FormatBytes(double bytes);
// An estimate's 95% interval: "(95%: 8.8 MB to 11 MB)"; of a count: "(95%: 1,100 to 1,380)".
std::string FormatBytesInterval(const Estimate& estimate);
std::string FormatCountInterval(const Estimate& estimate);

// Retainer lines shown under one entry; the rest are summed up in one "... and N more" line, so
// a slab shared by many call sites cannot bury the report.
inline constexpr size_t kTextRetainerLines = 5;

// A growth rate as the text shows it: "+1.2 MB/min", "-300 kB/min", "+0 B/min".
std::string FormatRate(double bytes_per_minute);

// "growth: growing, +1.2 MB/min; peak 3.4 MB at 12.5 s" ("growth: unknown (too few points);
// ..." while the timeline is short).
std::string FormatSiteHistory(const SitePeak& peak, const Growth& growth);

// What the text reports may leave out.
struct TextOptions {
  // Lists the sites of Node's own module constants (node_internals.h) instead of folding them
  // into one "Node internals: N sites, X" line.
  bool show_internals = false;
};

// The seed's LeakOverview.toString(): both sections and both totals; each entry's location is
// FormatStack() of its stack. Each entry is followed by lines of its own, indented by four
// spaces (unreferenced bytes first, then retainers by first frame, then the fix hint), and the
// totals by the unreferenced total: the seed's lines themselves are unchanged. With a
// timeline, each entry's second line is FormatSiteHistory's, and the sites that held memory
// only earlier follow the entries ("Held at their peak, nothing now:"). Node's own module
// constants are one line after the entries, unless `options` lists them.
std::string FormatOverview(const LeakOverview& overview, const FrameTable& frames,
                           const StackTree& stacks, const TextOptions& options = {});

// The same for several threads' overviews as one: entries of every thread in one list per
// kind, the totals summed. When an entry is a Worker's, each entry's first line beneath its
// location names its thread ("    thread: 2", "    thread: 0 (main)").
std::string FormatOverview(absl::Span<const ThreadOverview> threads,
                           const TextOptions& options = {});

// What the text reports lead with, the answer: how many sites keep memory and how much, then
// one line per site (at most kAnswerSiteLines), growing sites first (fastest first), then by
// the bytes they hold, each with its growth verdict (when there is a timeline) and its fix.
std::string FormatAnswer(absl::Span<const ThreadOverview> threads,
                         const TextOptions& options = {});
inline constexpr size_t kAnswerSiteLines = 10;

// The growth gate's message: each site growing faster than `bytes_per_minute`, one line each
// with its rate and first frame.
std::string FormatGrowingSites(absl::Span<const GrowingSite> sites);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_TEXT_H_
