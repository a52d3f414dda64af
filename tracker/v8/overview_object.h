// AnalysisObject: what the binding's analyze() returns - a LeakOverview as the plain JS objects
// getLeakStats() hands out (the seed's fields, each entry's retainers, unreferenced bytes, fix
// hint and, after a heap check, its heap views), its text, and for the end-of-run report the
// JSON and the budgets' verdict.
#ifndef SLAB_HUNTER_TRACKER_V8_OVERVIEW_OBJECT_H_
#define SLAB_HUNTER_TRACKER_V8_OVERVIEW_OBJECT_H_

#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"
#include "tracker/core/report_json.h"
#include "v8.h"

namespace slab_hunter {

// {bigBufferLeaks, slabLeaks, totalBigBufferLeaks, totalSlabLeaks, totalUnreferencedBytes,
// text}, and with `report` also {json, overBudget}. Every object is made of own data properties,
// so accessors a program puts on Object.prototype or Array.prototype are never called. Empty,
// with the exception pending, when a value cannot be made (a text past V8's string limit).
v8::MaybeLocal<v8::Object> AnalysisObject(v8::Local<v8::Context> context,
                                          const LeakOverview& overview, const FrameTable& frames,
                                          const StackTree& stacks, const ReportSettings* report);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_OVERVIEW_OBJECT_H_
