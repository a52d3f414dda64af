// FrameTable and StackTree intern JS stacks: each distinct frame is stored once, and each
// distinct stack is one node of a tree of frames, so a record holds a 32-bit StackId.
// Not thread-safe: stacks are captured and interned on the isolate's thread only.
#ifndef SLAB_HUNTER_TRACKER_CORE_FRAME_TREE_H_
#define SLAB_HUNTER_TRACKER_CORE_FRAME_TREE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"

namespace slab_hunter {

using FrameId = uint32_t;
using StackId = uint32_t;

// The empty stack: a record made with no JS on the stack (native code, another thread).
inline constexpr StackId kNoStack = 0;

// One JS frame as the engine reports it. Lines and columns are 1-based; 0 means unknown.
struct Frame {
  std::string function;  // empty for anonymous functions and top-level code
  std::string script;    // file path or URL; empty when the script has no name
  int line = 0;
  int column = 0;
  bool is_constructor = false;

  friend bool operator==(const Frame& a, const Frame& b) {
    return a.function == b.function && a.script == b.script && a.line == b.line &&
           a.column == b.column && a.is_constructor == b.is_constructor;
  }
};

// A call position the engine can name with integers alone (script id, line, column): within one
// process it always denotes the same Frame, so lookups on the hot path need no strings.
struct FramePosition {
  int script_id = 0;
  int line = 0;
  int column = 0;

  friend bool operator==(const FramePosition& a, const FramePosition& b) {
    return a.script_id == b.script_id && a.line == b.line && a.column == b.column;
  }
  template <typename H>
  friend H AbslHashValue(H h, const FramePosition& p) {
    return H::combine(std::move(h), p.script_id, p.line, p.column);
  }
};

class FrameTable {
 public:
  // Returns the id of `position`, calling `describe` only the first time it is seen.
  FrameId Intern(const FramePosition& position, absl::FunctionRef<Frame()> describe);
  const Frame& Get(FrameId id) const;
  size_t size() const { return frames_.size(); }

 private:
  std::vector<Frame> frames_;
  absl::flat_hash_map<FramePosition, FrameId> by_position_;
};

class StackTree {
 public:
  StackTree();
  // `frames` innermost first (the order the engine reports). An empty span gives kNoStack.
  StackId Intern(absl::Span<const FrameId> frames);
  // The frames of `id`, innermost first.
  std::vector<FrameId> Frames(StackId id) const;
  // Number of distinct stacks, kNoStack included.
  size_t size() const { return nodes_.size(); }

 private:
  struct Node {
    StackId parent;  // the next frame outwards (towards the bottom of the stack)
    FrameId frame;
  };
  std::vector<Node> nodes_;  // index = StackId; nodes_[0] is the root (kNoStack)
  absl::flat_hash_map<std::pair<StackId, FrameId>, StackId> children_;
};

// "at fn (file:line:col)" lines joined by "\n    ", V8's own layout for Error.stack frames.
std::string FormatStack(const FrameTable& frames, const StackTree& stacks, StackId id);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_FRAME_TREE_H_
