// The merge's run (`slab-hunter-node --slab-hunter-merge ...`, command_line.h): reads the
// processes' reports, writes their merge, checks the budgets. Needs no V8: Node never starts.
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_MERGE_REPORTS_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_MERGE_REPORTS_H_

#include <string>
#include <vector>

namespace slab_hunter {

// The exit status: 0; kBudgetExceededExitCode over a budget or the growth gate;
// kInvalidArgumentExitCode for a bad flag; 1 for a report that cannot be read or is invalid.
int RunMerge(const std::vector<std::string>& argv);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_MERGE_REPORTS_H_
