// ProgressLine: how far a long operation has got (the heap check on a big heap takes seconds),
// as one line rewritten in place on a terminal. On anything else (a file, a pipe, CI's log) it
// writes nothing: progress lines would only bury the report.
#ifndef SLAB_HUNTER_TRACKER_CORE_PROGRESS_H_
#define SLAB_HUNTER_TRACKER_CORE_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace slab_hunter {

class ProgressLine {
 public:
  // `label` starts the line: "slab-hunter-node: heap check".
  ProgressLine(FILE* stream, std::string label);
  // Clears the line, so that what the program prints next starts on a clean one.
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // "<label>: <phase> <percent>%", written only when the phase or the whole percent changes.
  void Update(std::string_view phase, uint64_t done, uint64_t total);

 private:
  FILE* const stream_;
  const bool enabled_;
  const std::string label_;
  std::string phase_;
  int percent_ = -1;
};

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_CORE_PROGRESS_H_
