#include "tracker/core/frame_tree.h"

#include <cassert>

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
  const FrameId id = static_cast<FrameId>(frames_.size());
  frames_.push_back(describe());
  positions_.push_back(position);
  Index(id);
  return id;
}

FrameId FrameTable::Intern(const FramePosition& position, absl::FunctionRef<Frame()> describe) {
  return Intern(position, [](std::string_view) { return true; }, describe);
}

void FrameTable::Index(FrameId id) {
  const auto [it, inserted] = by_position_.try_emplace(positions_[id], id);
  if (!inserted) collided_[positions_[id]].push_back(id);
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
