// The seed's text report ("Big buffer potential leaks: ..."), byte sizes in its SI style.
#ifndef SLAB_HUNTER_TRACKER_CORE_REPORT_TEXT_H_
#define SLAB_HUNTER_TRACKER_CORE_REPORT_TEXT_H_

#include <string>

#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"

namespace slab_hunter {

// npm byte-size 9's default: metric units (B, kB, MB, ...), at most one decimal, trailing
// zero dropped, half rounded away from zero: 8100 -> "8.1 kB", 100000 -> "100 kB", 12 -> "12 B".
std::string FormatBytes(double bytes);

// The seed's LeakOverview.toString(): both sections and both totals; each entry's location is
// FormatStack() of its stack.
std::string FormatOverview(const LeakOverview& overview, const FrameTable& frames,
                           const StackTree& stacks);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_REPORT_TEXT_H_
