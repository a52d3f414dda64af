// HuntSettings: what the --slab-hunter* flags ask for (track from the start, cut-offs, periodic
// and end-of-run reports, leak budgets), and the parser for their values.
#ifndef SLAB_HUNTER_TRACKER_V8_SETTINGS_H_
#define SLAB_HUNTER_TRACKER_V8_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slab_hunter {

struct HuntSettings {
  bool track_from_start = false;
  double leak_cutoff_ms = 60000;
  double big_buffer_cutoff = 4000;
  int stack_depth = 10;
  double interval_ms = 0;    // 0: no periodic report
  // The end-of-run reports, each "-" (the text on stderr) or a file name whose extension says
  // the format (report_formats.h), %p and %% already replaced.
  std::vector<std::string> report_paths;
  // Lists the sites of Node's own module constants in the text reports instead of one line.
  bool show_internals = false;
  // The signal that prints the overview to stderr; 0: none (the signal keeps Node's meaning).
  int report_signal = 0;
  double fail_on_big = -1;   // < 0: no budget
  double fail_on_slab = -1;  // < 0: no budget
  // The growth gate, bytes per minute: no site may be growing faster. < 0: no gate.
  double fail_on_growth = -1;
  // How often the timeline (timeline.h) records what each site holds; 0: no timeline.
  double timeline_ms = 1000;
  // Checks every stack-cache hit against a full capture (a self-test; costs the full capture).
  bool verify_stack_cache = false;
  // Adds to the end-of-run JSON report the views a heap snapshot finds (costs a snapshot).
  bool verify_heap = false;
  // Byte-weighted sampling (core/sampling.h): the mean interval in bytes; 0: every store and
  // view is tracked.
  double sample_interval = 0;
  // The sampler's seed (--slab-hunter-sample-seed; alone, it turns on sampling at the default
  // interval); unset: a random one per run (SampleSeed() says which).
  std::optional<uint64_t> sample_seed;
};

// --slab-hunter-sample's mean interval: see README, "Exact or sampled".
inline constexpr double kDefaultSampleInterval = 256 * 1024;
inline constexpr double kMaxSampleInterval = 1024.0 * 1024 * 1024 * 1024;

// The exit status of a run whose leaks are over budget (Node itself never uses it).
inline constexpr int kBudgetExceededExitCode = 66;
// The status for a bad flag: Node's own for invalid arguments.
inline constexpr int kInvalidArgumentExitCode = 9;

inline constexpr std::string_view kFlagPrefix = "--slab-hunter";

// The longest --slab-hunter-interval: Node's timers turn a longer delay into 1 ms.
inline constexpr double kMaxIntervalMs = 2147483647;

// Applies one flag (`name` as written, e.g. "--slab-hunter-big-cutoff"; `value` empty when the
// flag has none). Returns an error message naming the flag and the bad value, or nullopt.
// Any flag implies tracking from the start.
std::optional<std::string> ApplyHuntFlag(std::string_view name, std::optional<std::string> value,
                                         HuntSettings* settings);

// Whether `name` takes a value (so "--flag value" consumes the next argument).
bool HuntFlagTakesValue(std::string_view name);

// "50000", "64KiB", "1.5MB" (kB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024) -> bytes.
std::optional<double> ParseByteSize(std::string_view text);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_V8_SETTINGS_H_
