#include "tracker/v8/frame_walk.h"

#include <pthread.h>

#include <cstring>
#include <vector>

namespace slab_hunter {
namespace {

// Keys of walks start with this, which no address in a V8 sample is, so they never equal a
// sample's key in the one cache both use.
constexpr uintptr_t kWalkKeyTag = ~uintptr_t{0};

// Where the interpreted frame's two slots are searched for, below its frame pointer.
constexpr int kMaxSlot = 8;

struct StackBounds {
  uintptr_t low = 0;
  uintptr_t high = 0;
  bool known = false;
  bool looked = false;
};

const StackBounds& ThisThreadsStack() {
  thread_local StackBounds bounds;
  if (!bounds.looked) {
    bounds.looked = true;
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
      void* address = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attributes, &address, &size) == 0 && size > 0) {
        bounds.low = reinterpret_cast<uintptr_t>(address);
        bounds.high = bounds.low + size;
        bounds.known = true;
      }
      pthread_attr_destroy(&attributes);
    }
  }
  return bounds;
}

// Reads a word of this thread's stack that belongs to another function's frame: sanitizers
// would call the redzones of instrumented frames, and the other frames' locals, errors.
__attribute__((no_sanitize("address", "thread", "undefined"))) uintptr_t StackWord(
    uintptr_t address) {
  uintptr_t word;
  std::memcpy(&word, reinterpret_cast<const void*>(address), sizeof(word));
  return word;
}

int64_t SmiValue(uintptr_t word, int shift) {
  return shift == 32 ? static_cast<int64_t>(word) >> 32
                     : static_cast<int64_t>(static_cast<int32_t>(word) >> 1);
}

}  // namespace

__attribute__((no_sanitize("address", "thread", "undefined"))) bool FrameWalk::Read(
    const void* start) {
  count_ = 0;
  cut_ = false;
  const StackBounds& stack = ThisThreadsStack();
  if (!stack.known) return false;
  uintptr_t fp = reinterpret_cast<uintptr_t>(start);
  // Each frame: [fp] is its caller's frame pointer, [fp + 8] the address it returns to there.
  // A chain that leaves the stack, goes backwards or loses its alignment has reached code that
  // keeps no frame pointer (or the end), and is not followed.
  while (fp >= stack.low && fp % sizeof(uintptr_t) == 0 && fp + 2 * sizeof(uintptr_t) <= stack.high) {
    const uintptr_t caller_fp = StackWord(fp);
    const uintptr_t pc = StackWord(fp + sizeof(uintptr_t));
    if (caller_fp <= fp || pc == 0) break;
    if (count_ == kMaxFrames) {
      cut_ = true;
      break;
    }
    frames_[count_++] = RawFrame{pc, caller_fp};
    fp = caller_fp;
  }
  return true;
}

uintptr_t FrameWalk::Slot(uintptr_t fp, int slot) const {
  // Slots lie between this frame pointer and the callee's, within the stack Read checked.
  return StackWord(fp - static_cast<uintptr_t>(slot) * sizeof(uintptr_t));
}

absl::Span<const uintptr_t> FrameWalk::Key() {
  size_t size = 0;
  key_[size++] = kWalkKeyTag;
  for (size_t i = 0; i < count_; ++i) {
    const RawFrame& frame = frames_[i];
    key_[size++] = frame.pc;
    const size_t bit = FilterBit(frame.pc);
    if ((filter_[bit / 64] >> (bit % 64) & 1) != 0 && interpreter_pcs_.contains(frame.pc)) {
      key_[size++] = Slot(frame.fp, array_slot_);
      key_[size++] = Slot(frame.fp, offset_slot_);
    }
  }
  return absl::MakeConstSpan(key_, size);
}

bool FrameWalk::MatchesBytecode(uintptr_t fp, uintptr_t sampled) {
  // V8 samples an interpreted frame as its bytecode array (a tagged pointer) plus the offset.
  const auto matches = [&](int array_slot, int offset_slot, int shift) {
    const uintptr_t array = Slot(fp, array_slot);
    const uintptr_t offset = Slot(fp, offset_slot);
    return (array & 3) == 1 && (offset & 1) == 0 &&
           array + static_cast<uintptr_t>(SmiValue(offset, shift)) == sampled;
  };
  if (array_slot_ != 0) return matches(array_slot_, offset_slot_, smi_shift_);
  for (int array_slot = 1; array_slot <= kMaxSlot; ++array_slot) {
    for (int offset_slot = 1; offset_slot <= kMaxSlot; ++offset_slot) {
      if (offset_slot == array_slot) continue;
      for (const int shift : {32, 1}) {
        if (matches(array_slot, offset_slot, shift)) {
          array_slot_ = array_slot;
          offset_slot_ = offset_slot;
          smi_shift_ = shift;
          return true;
        }
      }
    }
  }
  return false;
}

bool FrameWalk::Learn(absl::Span<void* const> sample, bool complete) {
  // A cut walk tells apart only the call paths whose sample it holds whole.
  if (cut_ && complete) return false;
  size_t found = 0;
  std::vector<uintptr_t> learned;
  for (size_t i = 0; i < count_ && found < sample.size(); ++i) {
    const uintptr_t sampled = reinterpret_cast<uintptr_t>(sample[found]);
    if (frames_[i].pc == sampled) {
      ++found;
    } else if (MatchesBytecode(frames_[i].fp, sampled)) {
      learned.push_back(frames_[i].pc);
      ++found;
    }
    // Otherwise a frame V8 does not sample (stubs, entries, native code).
  }
  if (found != sample.size()) return false;
  for (const uintptr_t pc : learned) {
    interpreter_pcs_.insert(pc);
    const size_t bit = FilterBit(pc);
    filter_[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  return true;
}

}  // namespace slab_hunter
