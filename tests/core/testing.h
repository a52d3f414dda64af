// Builders shared by the core's unit tests: fake store addresses, views, frames and stacks.
#ifndef SLAB_HUNTER_TESTS_CORE_TESTING_H_
#define SLAB_HUNTER_TESTS_CORE_TESTING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tracker/core/frame_tree.h"
#include "tracker/core/tracker.h"

namespace slab_hunter::testing {

inline constexpr int64_t kSecond = 1'000'000'000;

// Stores are known to the tracker by address only; tests never dereference these.
inline const void* Addr(uintptr_t address) { return reinterpret_cast<const void*>(address); }

inline NewView ViewOf(const void* data, size_t store_size, size_t offset, size_t length,
                      StackId stack, ViewApi api = ViewApi::kAllocUnsafe) {
  NewView view;
  view.store_data = data;
  view.store_size = store_size;
  view.offset = offset;
  view.length = length;
  view.stack = stack;
  view.api = api;
  return view;
}

inline NewView ViewOf(uintptr_t address, size_t store_size, size_t offset, size_t length,
                      StackId stack, ViewApi api = ViewApi::kAllocUnsafe) {
  return ViewOf(Addr(address), store_size, offset, length, stack, api);
}

inline Frame MakeFrame(std::string function, std::string script, int line, int column,
                       bool is_constructor = false) {
  Frame frame;
  frame.function = std::move(function);
  frame.script = std::move(script);
  frame.line = line;
  frame.column = column;
  frame.is_constructor = is_constructor;
  return frame;
}

// Interns stacks given as frames, each frame at a position of its own.
class StackBuilder {
 public:
  StackId StackOf(const std::vector<Frame>& innermost_first) {
    std::vector<FrameId> ids;
    for (const Frame& frame : innermost_first) {
      const FramePosition position{next_script_id_++, frame.line, frame.column};
      ids.push_back(frames_.Intern(position, [&] { return frame; }));
    }
    return stacks_.Intern(ids);
  }
  const FrameTable& frames() const { return frames_; }
  const StackTree& stacks() const { return stacks_; }

 private:
  FrameTable frames_;
  StackTree stacks_;
  int next_script_id_ = 1;
};

}  // namespace slab_hunter::testing

#endif  // SLAB_HUNTER_TESTS_CORE_TESTING_H_
