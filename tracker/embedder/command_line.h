// CommandLine: takes the options this embedder handles itself out of argv and NODE_OPTIONS
// before Node's own parser sees them: the --slab-hunter* flags, and `-r`/`--require` (Node
// would load those preloads before the builtin node:slab_hunter exists, so the embedder loads
// them itself).
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_COMMAND_LINE_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_COMMAND_LINE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracker/v8/settings.h"

namespace slab_hunter {

// --slab-hunter* flags as given: name, and value if any.
using HuntFlags = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct SplitCommandLine {
  // argv as Node must parse it (argv[0] first).
  std::vector<std::string> node_argv;
  // For each element of node_argv, its index in the original argv.
  std::vector<size_t> original_index;
  // NODE_OPTIONS as Node must parse it; unset when the variable is not set.
  std::optional<std::string> node_options;
  // The preloads, in the order Node loads them (NODE_OPTIONS' first, then the command line's).
  std::vector<std::string> preloads;
  // The --slab-hunter* flags of argv, in order: name and value (`--flag=value` or
  // `--flag value`). They never reach Node, nor process.execArgv.
  HuntFlags hunt_flags;
  // The indices in argv of the tokens that made hunt_flags.
  std::vector<size_t> hunt_flag_indices;
  // The first malformed --slab-hunter* flag of argv (a separate value that is an option).
  std::optional<std::string> hunt_flag_error;
};

// `node_options` is the NODE_OPTIONS variable, or nullptr when unset. Only the options before
// the script name (or `--`) are Node's; a `-r` after the script belongs to the script.
SplitCommandLine SplitNodeCommandLine(const std::vector<std::string>& argv,
                                      const char* node_options);

// The original argv's exec arguments (what process.execArgv shows: the preloads included, the
// --slab-hunter* flags not), given how many exec arguments Node found in `split.node_argv`.
std::vector<std::string> OriginalExecArgs(const std::vector<std::string>& argv,
                                          const SplitCommandLine& split,
                                          size_t node_exec_arg_count);

// The flags in SLAB_HUNTER_OPTIONS (split as NODE_OPTIONS is). Returns an error message when the
// value is malformed (in Node's words for NODE_OPTIONS) or a token is not a --slab-hunter* flag.
std::optional<std::string> SplitHuntOptions(const std::string& value, HuntFlags* flags);

// The settings the flags ask for: SLAB_HUNTER_OPTIONS (`env`, may be null) first, then the
// command line's flags, so the command line wins. Returns an error naming the bad flag. The
// report file is created (so a bad path stops the run before it starts) and its name made
// absolute.
std::optional<std::string> ReadHuntSettings(const SplitCommandLine& split, const char* env,
                                            HuntSettings* settings);

// NODE_OPTIONS split the way Node splits it into `tokens` (spaces separate; double quotes
// group, with backslash escapes inside them). Returns Node's reason when the value is
// malformed: "unterminated string" or "invalid escape".
std::optional<std::string> TokenizeNodeOptions(const std::string& value,
                                               std::vector<std::string>* tokens);

// `slab-hunter-node --slab-hunter-merge [flags] <report.json>...`, as `node --prof-process
// <log>`: merges processes' reports (report_merge.h) and runs no program. Its flags are the
// report's and the budgets'; SLAB_HUNTER_OPTIONS is not read (it is for the runs that write the
// reports).
inline constexpr std::string_view kMergeFlag = "--slab-hunter-merge";

struct MergeCommandLine {
  std::vector<std::string> reports;  // as given
  HuntSettings settings;             // the report to write and the budgets
};

// Whether `argv` asks for a merge: kMergeFlag among the --slab-hunter* flags it begins with.
bool IsMergeCommandLine(const std::vector<std::string>& argv);

// A merge's command line: flags and reports in any order (`--` ends the flags). Returns an
// error naming the bad flag and value, or saying that no report is given.
std::optional<std::string> ReadMergeCommandLine(const std::vector<std::string>& argv,
                                                MergeCommandLine* merge);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_COMMAND_LINE_H_
