// FrameTable and StackTree intern JS stacks: each distinct frame is stored once, and each
// distinct stack is one node of a tree of frames, so a record holds a 32-bit StackId.
// Not thread-safe: stacks are captured and interned on the isolate's thread only.
#ifndef SLAB_HUNTER_TRACKER_CORE_FRAME_TREE_H_
#define SLAB_HUNTER_TRACKER_CORE_FRAME_TREE_H_

#include <cstdint>
#include <string>
#include <string_view>
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
// What Retain answers for an id it did not keep.
inline constexpr FrameId kDroppedFrame = 0xffffffffu;
inline constexpr StackId kDroppedStack = 0xffffffffu;

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
  template <typename H>
  friend H AbslHashValue(H h, const Frame& f) {
    return H::combine(std::move(h), f.function, f.script, f.line, f.column, f.is_constructor);
  }
};

// What tells one frame from another with integers alone: the call position (script id, line,
// column) and what the engine reports differently there. One position can be run as a plain
// and as a construct call, and by closures named apart at run time (computed method keys,
// Object.defineProperty(f, 'name', ...)), so the kind of call and the function name's hash are
// part of the key. Lookups on the hot path need no strings.
struct FramePosition {
  int script_id = 0;
  int line = 0;
  int column = 0;
  bool is_constructor = false;
  uint32_t function_name_hash = 0;  // 0 for no name; names with one hash are told apart

  friend bool operator==(const FramePosition& a, const FramePosition& b) {
    return a.script_id == b.script_id && a.line == b.line && a.column == b.column &&
           a.is_constructor == b.is_constructor && a.function_name_hash == b.function_name_hash;
  }
  template <typename H>
  friend H AbslHashValue(H h, const FramePosition& p) {
    return H::combine(std::move(h), p.script_id, p.line, p.column, p.is_constructor,
                      p.function_name_hash);
  }
};

// Frames are one frame when they read the same, whatever their script ids: a script compiled
// anew (vm.Script or new Function per request, a module re-required) is the same site.
class FrameTable {
 public:
  // The id of the frame at `position` whose function name `is_function_name` accepts (asked
  // only to tell apart names whose hashes are equal), calling `describe` only when there is
  // none yet at `position`; a described frame that reads as one already interned is that one.
  FrameId Intern(const FramePosition& position,
                 absl::FunctionRef<bool(std::string_view)> is_function_name,
                 absl::FunctionRef<Frame()> describe);
  // For keys that alone tell the frame: the first frame interned at `position`.
  FrameId Intern(const FramePosition& position, absl::FunctionRef<Frame()> describe);
  const Frame& Get(FrameId id) const;
  size_t size() const { return frames_.size(); }

  // Keeps the frames whose `keep` entry is true, numbered anew in their old order, and gives
  // their memory back. Returns each old id's new id (kDroppedFrame for the others).
  std::vector<FrameId> Retain(const std::vector<bool>& keep);

 private:
  void Index(const FramePosition& position, FrameId id);

  std::vector<Frame> frames_;
  std::vector<FramePosition> positions_;  // each frame's key, for re-indexing after Retain
  absl::flat_hash_map<FramePosition, FrameId> by_position_;
  // Frames whose key was already taken by a frame of another name (the names' hashes collide).
  absl::flat_hash_map<FramePosition, std::vector<FrameId>> collided_;
  // Each frame by the hash of what it reads (of two that share a hash, the first is kept: the
  // other is then a frame of its own, never a wrong one).
  absl::flat_hash_map<size_t, FrameId> by_content_;
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

  // Keeps the stacks whose `keep` entry is true, with every stack they extend (kNoStack among
  // them), numbered anew in their old order, and of `frames` only those they hold (see
  // FrameTable::Retain); gives the rest's memory back. Returns each old id's new id
  // (kDroppedStack for the others).
  std::vector<StackId> Retain(std::vector<bool> keep, FrameTable& frames);

 private:
  struct Node {
    StackId parent;  // the next frame outwards (towards the bottom of the stack)
    FrameId frame;
  };
  std::vector<Node> nodes_;  // index = StackId; nodes_[0] is the root (kNoStack)
  absl::flat_hash_map<std::pair<StackId, FrameId>, StackId> children_;
};

// Gives back the memory of every stack and frame none of `in_use` needs, and rewrites each
// *in_use to its stack's new id. A stack's id changes only here: the caller must update every
// StackId it keeps (records) through `in_use`, and forget others (caches).
void ReclaimStacks(absl::Span<StackId* const> in_use, FrameTable& frames, StackTree& stacks);

// When to reclaim as stacks are interned: once the tree has grown by as many stacks as it kept
// at the last reclaim (K), as there were live records then (R), or kMinGrowth, whichever is
// most. A reclaim (a pass over the live records and the tables) is thus paid for by the stacks
// made since the last one, and the tree never holds more than K + max(K, R, kMinGrowth) stacks
// plus those of the capture under way (frames are never more than stacks): memory is linear in
// what live records use, plus a constant.
class ReclaimSchedule {
 public:
  static constexpr size_t kMinGrowth = 4096;

  bool Due(size_t stack_count) const { return stack_count >= next_; }
  void Reclaimed(size_t stacks_kept, size_t records_in_use);

 private:
  size_t next_ = kMinGrowth;
};

// "at fn (file:line:col)" lines joined by "\n    ", V8's own layout for Error.stack frames.
std::string FormatStack(const FrameTable& frames, const StackTree& stacks, StackId id);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_FRAME_TREE_H_
