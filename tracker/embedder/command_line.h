// CommandLine: takes the options this embedder handles itself out of argv and NODE_OPTIONS
// before Node's own parser sees them. Today that is `-r`/`--require`: Node would load those
// preloads before the builtin node:slab_hunter exists, so the embedder loads them itself.
#ifndef SLAB_HUNTER_TRACKER_EMBEDDER_COMMAND_LINE_H_
#define SLAB_HUNTER_TRACKER_EMBEDDER_COMMAND_LINE_H_

#include <optional>
#include <string>
#include <vector>

namespace slab_hunter {

struct SplitCommandLine {
  // argv as Node must parse it (argv[0] first).
  std::vector<std::string> node_argv;
  // For each element of node_argv, its index in the original argv.
  std::vector<size_t> original_index;
  // NODE_OPTIONS as Node must parse it; unset when the variable is not set.
  std::optional<std::string> node_options;
  // The preloads, in the order Node loads them (NODE_OPTIONS' first, then the command line's).
  std::vector<std::string> preloads;
};

// `node_options` is the NODE_OPTIONS variable, or nullptr when unset. Only the options before
// the script name (or `--`) are Node's; a `-r` after the script belongs to the script.
SplitCommandLine SplitNodeCommandLine(const std::vector<std::string>& argv,
                                      const char* node_options);

// The original argv's exec arguments (what process.execArgv shows), given how many exec
// arguments Node found in `split.node_argv`.
std::vector<std::string> OriginalExecArgs(const std::vector<std::string>& argv,
                                          const SplitCommandLine& split,
                                          size_t node_exec_arg_count);

// NODE_OPTIONS split the way Node splits it (spaces separate; double quotes group, with
// backslash escapes inside them).
std::vector<std::string> TokenizeNodeOptions(const std::string& value);

}  // namespace slab_hunter

#endif  // SLAB_HUNTER_TRACKER_EMBEDDER_COMMAND_LINE_H_
