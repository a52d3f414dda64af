#include "tracker/core/frame_tree.h"

#include <algorithm>
#include <cassert>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace slab_hunter {

FrameId FrameTable::Intern(const FramePosition& position,
                           absl::FunctionRef<bool(std::string_view)> is_function_name,
                           absl::FunctionRef<Frame()> describe) {
  // describe() builds strings through the engine: the hot path must stay on integer lookups.
  if (auto it = by_position_.find(position); it != by_position_.end()) {
    if (is_function_name(frames_[it->second].function)) return it->second;
    if (auto more = collided_.find(position); more != collided_.end()) {
      for (const FrameId id : more->second) {
        if (is_function_name(frames_[id].function)) return id;
      }
    }
  }
  Frame described = describe();
  const size_t content = absl::HashOf(described);
  if (auto same = by_content_.find(content);
      same != by_content_.end() && frames_[same->second] == described) {
    Index(position, same->second);
    return same->second;
  }
  const FrameId id = static_cast<FrameId>(frames_.size());
  frames_.push_back(std::move(described));
  positions_.push_back(position);
  Index(position, id);
  by_content_.try_emplace(content, id);
  return id;
}

FrameId FrameTable::Intern(const FramePosition& position, absl::FunctionRef<Frame()> describe) {
  return Intern(position, [](std::string_view) { return true; }, describe);
}

void FrameTable::Index(const FramePosition& position, FrameId id) {
  const auto [it, inserted] = by_position_.try_emplace(position, id);
  if (!inserted) collided_[position].push_back(id);
}

std::vector<FrameId> FrameTable::Retain(const std::vector<bool>& keep) {
  std::vector<FrameId> new_ids(frames_.size(), kDroppedFrame);
  FrameId next = 0;
  for (FrameId id = 0; id < frames_.size(); ++id) {
    if (id >= keep.size() || !keep[id]) continue;
    new_ids[id] = next;
    if (next != id) {
      frames_[next] = std::move(frames_[id]);
      positions_[next] = positions_[id];
    }
    ++next;
  }
  frames_.resize(next);
  frames_.shrink_to_fit();
  positions_.resize(next);
  positions_.shrink_to_fit();
  // Fresh maps: erasing from the old ones would keep their capacity.
  // The positions other scripts reached a kept frame from are found again by its content.
  by_position_ = {};
  collided_ = {};
  by_content_ = {};
  by_position_.reserve(next);
  by_content_.reserve(next);
  for (FrameId id = 0; id < next; ++id) {
    Index(positions_[id], id);
    by_content_.try_emplace(absl::HashOf(frames_[id]), id);
  }
  return new_ids;
}

const Frame& FrameTable::Get(FrameId id) const {
  assert(id < frames_.size());
  return frames_[id];
}

StackTree::StackTree() {
  // The root stands for the empty stack, so kNoStack (0) needs no special case anywhere.
  nodes_.push_back(Node{kNoStack, 0});
}

StackId StackTree::Intern(absl::Span<const FrameId> frames) {
  // Walking from the outermost frame lets stacks that share their bottom frames (the common
  // case: same entry point, different leaf) share tree nodes.
  StackId node = kNoStack;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    const auto [child, inserted] =
        children_.try_emplace(std::make_pair(node, *it), static_cast<StackId>(nodes_.size()));
    if (inserted) nodes_.push_back(Node{node, *it});
    node = child->second;
  }
  return node;
}

std::vector<FrameId> StackTree::Frames(StackId id) const {
  std::vector<FrameId> frames;
  // An id this tree never handed out reads as the empty stack rather than out of bounds.
  if (id >= nodes_.size()) return frames;
  for (StackId node = id; node != kNoStack; node = nodes_[node].parent) {
    frames.push_back(nodes_[node].frame);
  }
  return frames;
}

std::vector<StackId> StackTree::Retain(std::vector<bool> keep, FrameTable& frames) {
  keep.resize(nodes_.size(), false);
  // A kept stack needs the stacks it extends. A node's parent always has the smaller id (nodes
  // are appended after their parent, and renumbering keeps the order), so walking from the
  // highest id marks them all in one pass.
  for (StackId id = static_cast<StackId>(nodes_.size()) - 1; id > kNoStack; --id) {
    if (keep[id]) keep[nodes_[id].parent] = true;
  }
  keep[kNoStack] = true;
  std::vector<bool> frames_used(frames.size(), false);
  for (StackId id = 1; id < nodes_.size(); ++id) {
    if (keep[id] && nodes_[id].frame < frames_used.size()) frames_used[nodes_[id].frame] = true;
  }
  const std::vector<FrameId> new_frames = frames.Retain(frames_used);

  std::vector<StackId> new_ids(nodes_.size(), kDroppedStack);
  new_ids[kNoStack] = kNoStack;
  StackId next = 1;
  for (StackId id = 1; id < nodes_.size(); ++id) {
    if (!keep[id]) continue;
    const Node node = nodes_[id];
    assert(node.parent < id);
    const FrameId frame = node.frame < new_frames.size() ? new_frames[node.frame] : kDroppedFrame;
    nodes_[next] = Node{new_ids[node.parent], frame};
    new_ids[id] = next++;
  }
  nodes_.resize(next);
  nodes_.shrink_to_fit();
  // A fresh map: erasing from the old one would keep its capacity.
  children_ = {};
  children_.reserve(next);
  for (StackId id = 1; id < next; ++id) {
    children_.emplace(std::make_pair(nodes_[id].parent, nodes_[id].frame), id);
  }
  return new_ids;
}

void ReclaimStacks(absl::Span<StackId* const> in_use, FrameTable& frames, StackTree& stacks) {
  std::vector<bool> keep(stacks.size(), false);
  for (const StackId* id : in_use) {
    if (*id < keep.size()) keep[*id] = true;
  }
  const std::vector<StackId> new_ids = stacks.Retain(std::move(keep), frames);
  for (StackId* id : in_use) {
    // An id the tree never handed out reads as the empty stack, as in Frames().
    *id = *id < new_ids.size() ? new_ids[*id] : kNoStack;
  }
}

void ReclaimSchedule::Reclaimed(size_t stacks_kept, size_t records_in_use) {
  next_ = stacks_kept + std::max({stacks_kept, records_in_use, kMinGrowth});
}

namespace {

// V8's "file:line:col", leaving out what the engine did not know (0), as V8 itself does.
void AppendLocation(std::string& out, const Frame& frame) {
  absl::StrAppend(&out, frame.script.empty() ? "<anonymous>" : frame.script);
  if (frame.line > 0) {
    absl::StrAppend(&out, ":", frame.line);
    if (frame.column > 0) absl::StrAppend(&out, ":", frame.column);
  }
}

void AppendFrame(std::string& out, const Frame& frame) {
  out += "at ";
  if (frame.is_constructor) {
    // V8 names an anonymous class's constructor "new <anonymous>".
    absl::StrAppend(&out, "new ", frame.function.empty() ? "<anonymous>" : frame.function, " (");
    AppendLocation(out, frame);
    out += ")";
  } else if (frame.function.empty()) {
    AppendLocation(out, frame);
  } else {
    absl::StrAppend(&out, frame.function, " (");
    AppendLocation(out, frame);
    out += ")";
  }
}

}  // namespace

std::string FormatStack(const FrameTable& frames, const StackTree& stacks, StackId id) {
  const std::vector<FrameId> ids = stacks.Frames(id);
  // A report line must always name a location; this one says no JS was running.
  if (ids.empty()) return "at <native>";
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += "\n    ";
    AppendFrame(out, frames.Get(ids[i]));
  }
  return out;
}

}  // namespace slab_hunter
