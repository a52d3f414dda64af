#include "tracker/v8/heap_check.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "tracker/core/progress.h"
#include "tracker/v8/v8_values.h"
#include "v8-profiler.h"

namespace slab_hunter {
namespace {

using v8::HeapGraphEdge;
using v8::HeapGraphNode;

// An edge as DevTools names it in a retainer path: element edges as [i].
std::string EdgeName(v8::Isolate* isolate, const HeapGraphEdge* edge) {
  const std::string name = ToUtf8(isolate, edge->GetName());
  return edge->GetType() == HeapGraphEdge::kElement || edge->GetType() == HeapGraphEdge::kHidden
             ? "[" + name + "]"
             : name;
}

// The "(Handle scope)" roots: they hold this check's own handles to the buffers, so a path
// through them says nothing about the program. They hang off "(GC roots)", a child of the root.
absl::flat_hash_set<const HeapGraphNode*> HandleScopeRoots(v8::Isolate* isolate,
                                                          const HeapGraphNode* root) {
  absl::flat_hash_set<const HeapGraphNode*> found;
  for (int i = 0; i < root->GetChildrenCount(); ++i) {
    const HeapGraphNode* subroot = root->GetChild(i)->GetToNode();
    for (int j = 0; j < subroot->GetChildrenCount(); ++j) {
      const HeapGraphNode* node = subroot->GetChild(j)->GetToNode();
      if (ToUtf8(isolate, node->GetName()) == "(Handle scope)") found.insert(node);
    }
  }
  return found;
}

class RetainerPaths {
 public:
  // Breadth-first from the snapshot's root: the first edge that reaches a node is on a
  // shortest path to it.
  RetainerPaths(v8::Isolate* isolate, const v8::HeapSnapshot* snapshot)
      : handle_scopes_(HandleScopeRoots(isolate, snapshot->GetRoot())) {
    const HeapGraphNode* root = snapshot->GetRoot();
    std::deque<const HeapGraphNode*> queue;
    parent_edge_[root] = nullptr;
    // The root's shortcuts (to the global objects) first, so paths start there if they can.
    for (const bool shortcuts : {true, false}) {
      for (int i = 0; i < root->GetChildrenCount(); ++i) {
        const HeapGraphEdge* edge = root->GetChild(i);
        if ((edge->GetType() == HeapGraphEdge::kShortcut) != shortcuts) continue;
        if (Retains(edge, true) && parent_edge_.try_emplace(edge->GetToNode(), edge).second) {
          queue.push_back(edge->GetToNode());
        }
      }
    }
    while (!queue.empty()) {
      const HeapGraphNode* node = queue.front();
      queue.pop_front();
      for (int i = 0; i < node->GetChildrenCount(); ++i) {
        const HeapGraphEdge* edge = node->GetChild(i);
        if (!Retains(edge, false)) continue;
        if (parent_edge_.try_emplace(edge->GetToNode(), edge).second) {
          queue.push_back(edge->GetToNode());
        }
      }
    }
  }

  // "global / cache / keys / [0]": the first object below the root by name, then the edges
  // down to `node`. Empty when no GC root reaches it.
  std::string PathTo(v8::Isolate* isolate, const HeapGraphNode* node) const {
    std::vector<const HeapGraphEdge*> edges;
    for (auto it = parent_edge_.find(node); it != parent_edge_.end() && it->second != nullptr;
         it = parent_edge_.find(it->second->GetFromNode())) {
      edges.push_back(it->second);
    }
    if (edges.empty()) return std::string();
    std::string path = ToUtf8(isolate, edges.back()->GetToNode()->GetName());
    for (auto edge = edges.rbegin() + 1; edge != edges.rend(); ++edge) {
      path += " / " + EdgeName(isolate, *edge);
    }
    return path;
  }

 private:
  // Followed when looking for paths: what keeps an object alive. Weak edges do not. Shortcuts
  // duplicate other paths, except the root's: they lead straight to the global objects, where
  // the paths a reader recognises start.
  bool Retains(const HeapGraphEdge* edge, bool from_root) const {
    if (edge->GetType() == HeapGraphEdge::kWeak) return false;
    if (edge->GetType() == HeapGraphEdge::kShortcut && !from_root) return false;
    return !handle_scopes_.contains(edge->GetToNode());
  }

  absl::flat_hash_set<const HeapGraphNode*> handle_scopes_;
  absl::flat_hash_map<const HeapGraphNode*, const HeapGraphEdge*> parent_edge_;
};

// V8's progress reports while it takes the snapshot: on the progress line, and the snapshot
// given up when a stop is requested.
class SnapshotProgress final : public v8::ActivityControl {
 public:
  SnapshotProgress(ProgressLine& line, absl::FunctionRef<bool()> stop_requested)
      : line_(line), stop_requested_(stop_requested) {}
  ControlOption ReportProgressValue(uint32_t done, uint32_t total) override {
    line_.Update("taking a heap snapshot", done, total);
    return stop_requested_() ? kAbort : kContinue;
  }

 private:
  ProgressLine& line_;
  absl::FunctionRef<bool()> stop_requested_;
};

// For each buffer in `buffers`, the views that reference it; nullopt when stopped.
std::optional<std::vector<std::vector<HeapView>>> FindViewsInHeap(
    v8::Isolate* isolate, const std::vector<v8::Local<v8::ArrayBuffer>>& buffers,
    absl::FunctionRef<bool()> stop_requested) {
  v8::HandleScope scope(isolate);
  v8::HeapProfiler* profiler = isolate->GetHeapProfiler();
  std::vector<std::vector<HeapView>> views(buffers.size());
  // Seconds on a big heap (V8's snapshot is most of it): a person at a terminal sees how far
  // it has got, and a signal to end the program need not wait for it.
  ProgressLine progress(stderr, "slab-hunter-node: heap check");
  SnapshotProgress snapshot_progress(progress, stop_requested);
  const v8::HeapSnapshot* snapshot = profiler->TakeHeapSnapshot(&snapshot_progress);
  if (snapshot == nullptr) return std::nullopt;  // given up
  // Objects get their snapshot ids while a snapshot is taken: ask only afterwards.
  // One ArrayBuffer can be wanted at several indices (a store behind several entries): each
  // of them gets every view.
  absl::flat_hash_map<const HeapGraphNode*, std::vector<size_t>> wanted;
  for (size_t i = 0; i < buffers.size(); ++i) {
    const HeapGraphNode* node = snapshot->GetNodeById(profiler->GetObjectId(buffers[i]));
    if (node != nullptr) wanted[node].push_back(i);
  }
  const RetainerPaths paths(isolate, snapshot);
  // A view references its ArrayBuffer through its internal "buffer" edge (V8's snapshot
  // generator names it so for every JSArrayBufferView: typed arrays and DataViews alike).
  const int node_count = snapshot->GetNodesCount();
  for (int n = 0; n < node_count; ++n) {
    if (n % 4096 == 0) {
      progress.Update("finding views", n, node_count);
      if (stop_requested()) {
        const_cast<v8::HeapSnapshot*>(snapshot)->Delete();
        return std::nullopt;
      }
    }
    const HeapGraphNode* node = snapshot->GetNode(n);
    for (int i = 0; i < node->GetChildrenCount(); ++i) {
      const HeapGraphEdge* edge = node->GetChild(i);
      if (edge->GetType() != HeapGraphEdge::kInternal) continue;
      auto target = wanted.find(edge->GetToNode());  // before the name: names cost a string
      if (target == wanted.end() || ToUtf8(isolate, edge->GetName()) != "buffer") continue;
      const HeapView view{ToUtf8(isolate, node->GetName()), paths.PathTo(isolate, node)};
      for (size_t index : target->second) views[index].push_back(view);
    }
  }
  const_cast<v8::HeapSnapshot*>(snapshot)->Delete();
  return views;
}

}  // namespace

bool CheckHeap(v8::Isolate* isolate, const ViewRegistry& registry, const Snapshot& snapshot,
               LeakOverview& overview, absl::FunctionRef<bool()> stop_requested) {
  std::vector<LeakEntry*> entries;
  for (LeakEntry& entry : overview.big_buffer_leaks) entries.push_back(&entry);
  for (LeakEntry& entry : overview.slab_leaks) entries.push_back(&entry);
  const absl::flat_hash_map<StoreId, v8::Local<v8::ArrayBuffer>> buffer_of =
      registry.BuffersOf(isolate, snapshot);
  // Each store once, however many entries it is behind.
  std::vector<v8::Local<v8::ArrayBuffer>> buffers;
  absl::flat_hash_map<StoreId, size_t> buffer_of_store;
  for (const LeakEntry* entry : entries) {
    for (StoreId store : entry->stores) {
      const auto buffer = buffer_of.find(store);
      if (buffer == buffer_of.end()) continue;  // no tracked view made it known, or it is gone
      if (buffer_of_store.try_emplace(store, buffers.size()).second) {
        buffers.push_back(buffer->second);
      }
    }
  }
  const auto views_found = FindViewsInHeap(isolate, buffers, stop_requested);
  if (!views_found) return false;
  const std::vector<std::vector<HeapView>>& found = *views_found;
  for (LeakEntry* entry : entries) {
    std::vector<HeapView>& views = entry->heap_views.emplace();
    for (StoreId store : entry->stores) {
      const auto buffer = buffer_of_store.find(store);
      if (buffer == buffer_of_store.end()) continue;
      const std::vector<HeapView>& of_buffer = found[buffer->second];
      views.insert(views.end(), of_buffer.begin(), of_buffer.end());
    }
  }
  return true;
}

}  // namespace slab_hunter
