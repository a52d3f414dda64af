// FrameWalk: names the current call path from the frame-pointer chain alone (two loads a frame,
// where V8's stack sampler looks up each frame's code), as a key for the stack cache. What the
// frames mean is learned from V8's own samples of the same stacks, never assumed: which return
// addresses are the interpreter's (its frames differ by their bytecode, which two frame slots
// hold) and which slots those are. A walk is cached only for a call path it was checked against.
#ifndef SLAB_HUNTER_TRACKER_V8_FRAME_WALK_H_
#define SLAB_HUNTER_TRACKER_V8_FRAME_WALK_H_

#include <cstddef>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/types/span.h"

namespace slab_hunter {

class FrameWalk {
 public:
  // Reads this thread's frame chain outwards from `fp`, a frame of the caller's own, until it
  // leaves the thread's stack or stops growing. False if the stack's bounds are unknown.
  bool Read(const void* fp);

  // The key naming what Read found, given what has been learned (valid until the next call).
  absl::Span<const uintptr_t> Key();

  // Checks what Read found against V8's sample of the same stack (innermost first; `complete`
  // if the sample reached the outermost JS frame rather than the frames asked for) and learns
  // the interpreter's return addresses from it. True if Key() now tells this call path from
  // every other: each sampled frame was found, in order, among the frames read.
  bool Learn(absl::Span<void* const> sample, bool complete);

  // Forgets what was learned: with the stack cache, when code may have moved.
  void Forget() {
    interpreter_pcs_.clear();
    for (uint64_t& word : filter_) word = 0;
  }

 private:
  struct RawFrame {
    uintptr_t pc;  // where the frame's code was, as its callee will return to it
    uintptr_t fp;  // the frame's own frame pointer
  };
  // Deeper stacks are cut here; a cut walk names a call path only if V8's sample ended first.
  static constexpr size_t kMaxFrames = 512;

  bool MatchesBytecode(uintptr_t fp, uintptr_t sampled);
  uintptr_t Slot(uintptr_t fp, int slot) const;

  RawFrame frames_[kMaxFrames];
  size_t count_ = 0;
  bool cut_ = false;
  absl::flat_hash_set<uintptr_t> interpreter_pcs_;
  // A bit per hash of each interpreter address: most frames are ruled out without the set.
  static constexpr size_t kFilterBits = 1024;
  static size_t FilterBit(uintptr_t pc) { return (pc ^ (pc >> 10)) % kFilterBits; }
  uint64_t filter_[kFilterBits / 64] = {};
  // An interpreted frame's bytecode array and offset (a Smi), as slots below its frame pointer
  // (1: fp - 8 ...), and how its Smi is decoded; 0 until a sample shows them.
  int array_slot_ = 0;
  int offset_slot_ = 0;
  int smi_shift_ = 0;
  // The key: a tag, then each frame's address and, for the interpreter's, its two slots.
  uintptr_t key_[1 + 3 * kMaxFrames];
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_FRAME_WALK_H_
