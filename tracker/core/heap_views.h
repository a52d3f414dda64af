// HeapView: a view of a report entry's backing store as a heap-snapshot check found it, with the
// path that keeps it alive. Found by the V8 glue, reported here.
#ifndef SLAB_HUNTER_TRACKER_CORE_HEAP_VIEWS_H_
#define SLAB_HUNTER_TRACKER_CORE_HEAP_VIEWS_H_

#include <string>
#include <vector>

namespace slab_hunter {

struct HeapView {
  std::string type;  // the view's class: "Buffer", "Uint8Array", "DataView", ...
  // From the global object (or a GC root) down to the view, e.g. "global / cache / keys / [0]";
  // empty if unreachable.
  std::string retainer_path;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_HEAP_VIEWS_H_
