#include "tracker/core/progress.h"

#include <unistd.h>

#include <algorithm>

namespace slab_hunter {
namespace {

// Back to the line's start, and erase it (ECMA-48 "erase in line").
constexpr char kClearLine[] = "\r\033[K";

}  // namespace

ProgressLine::ProgressLine(FILE* stream, std::string label)
    : stream_(stream), enabled_(isatty(fileno(stream)) == 1), label_(std::move(label)) {}

ProgressLine::~ProgressLine() {
  if (!enabled_ || percent_ < 0) return;
  std::fputs(kClearLine, stream_);
  std::fflush(stream_);
}

void ProgressLine::Update(std::string_view phase, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  const int percent =
      total == 0 ? 100 : static_cast<int>(std::min<uint64_t>(done, total) * 100 / total);
  if (percent == percent_ && phase == phase_) return;
  percent_ = percent;
  phase_ = std::string(phase);
  std::fprintf(stream_, "%s%s: %s %d%%", kClearLine, label_.c_str(), phase_.c_str(), percent);
  std::fflush(stream_);
}

}  // namespace slab_hunter
