// OverviewObject: a LeakOverview as the plain JS objects getLeakStats() hands out: the seed's
// fields, plus each entry's retainers, unreferenced bytes and fix hint, and - after a heap
// check - the views the heap snapshot found.
#ifndef SLAB_HUNTER_TRACKER_V8_OVERVIEW_OBJECT_H_
#define SLAB_HUNTER_TRACKER_V8_OVERVIEW_OBJECT_H_

#include <vector>

#include "tracker/core/analysis.h"
#include "tracker/core/frame_tree.h"
#include "v8.h"

namespace slab_hunter {

v8::Local<v8::Object> OverviewObject(v8::Local<v8::Context> context, const LeakOverview& overview,
                                     const FrameTable& frames, const StackTree& stacks);

// Small helpers shared with the binding.
v8::Local<v8::String> Str(v8::Isolate* isolate, const std::string& text);
void Set(v8::Local<v8::Context> context, v8::Local<v8::Object> target, const char* key,
         v8::Local<v8::Value> value);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_OVERVIEW_OBJECT_H_
