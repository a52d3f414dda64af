#include "tracker/embedder/command_line.h"

#include <limits.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <unistd.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "tracker/core/report_files.h"
#include "tracker/v8/settings.h"

namespace slab_hunter {
namespace {

// Node 18.20.4's options that take a value as the next argument (src/node_options.cc: the
// string, list, integer and host:port options, and the aliases of those). Without this list a
// value such as `--title -r` would be misread; an option missing here only makes the scan stop
// early, so later preloads are left to Node.
bool TakesSeparateValue(absl::string_view option) {
  static const auto* options = new absl::flat_hash_set<absl::string_view>({
      "--inspect-port", "--debug-port", "--inspect-publish-uid", "--conditions", "-C",
      "--diagnostic-dir", "--dns-result-order", "--experimental-loader", "--loader",
      "--experimental-policy", "--policy-integrity", "--heapsnapshot-signal",
      "--heapsnapshot-near-heap-limit", "--input-type", "--experimental-specifier-resolution",
      "--es-module-specifier-resolution", "--cpu-prof-name", "--cpu-prof-interval",
      "--cpu-prof-dir", "--heap-prof-name", "--heap-prof-dir", "--heap-prof-interval",
      "--max-http-header-size", "--redirect-warnings", "--test-concurrency",
      "--test-name-pattern", "--test-reporter", "--test-reporter-destination", "--test-shard",
      "--experimental-default-type", "--unhandled-rejections", "--watch-path", "--eval", "-e",
      "--require", "-r", "--import", "--tls-keylog", "--report-signal", "--title",
      "--trace-event-categories", "--trace-event-file-pattern", "--v8-pool-size",
      "--disable-proto", "--snapshot-blob", "--security-revert", "--security-reverts",
      "--report-dir", "--report-directory", "--report-filename", "--openssl-config",
      "--tls-cipher-list", "--secure-heap", "--secure-heap-min", "--use-largepages",
      "--icu-data-dir",
  });
  return options->contains(option);
}

bool IsRequire(absl::string_view option) { return option == "-r" || option == "--require"; }

// `--print` and `-p` take the next argument as code only when it does not look like an option.
bool IsPrint(absl::string_view option) { return option == "-p" || option == "--print"; }

bool IsHuntFlag(absl::string_view name) {
  // Debian's Abseil has its own string_view type, not std::string_view.
  const absl::string_view prefix(kFlagPrefix.data(), kFlagPrefix.size());
  return absl::StartsWith(name, prefix) &&
         (name.size() == prefix.size() || name[prefix.size()] == '-');
}

// Whether `path` names a file Node would run as a program (its extension), so that a separate
// value of --slab-hunter-report is the script that was meant to follow it.
bool NamesScript(absl::string_view path) {
  for (absl::string_view extension : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"}) {
    if (absl::EndsWith(path, extension)) return true;
  }
  return false;
}

// Takes the --slab-hunter* flag at tokens[i] (`--flag=value`, `--flag value` or `--flag`) into
// `flags`; returns the index after it. A separate value is never an option (a token starting
// with '-', other than "-" itself, which means stderr): `--slab-hunter-report -e code` is an
// error in `*error` (the first one found is kept), not a report named "-e"; and a separate
// report name is never a script.
size_t TakeHuntFlag(const std::vector<std::string>& tokens, size_t i, HuntFlags* flags,
                    std::optional<std::string>* error) {
  const std::string& token = tokens[i];
  const size_t equals = token.find('=');
  std::string name = token.substr(0, equals);
  if (equals != std::string::npos) {
    flags->emplace_back(std::move(name), token.substr(equals + 1));
    return i + 1;
  }
  if (HuntFlagTakesValue(name) && i + 1 < tokens.size()) {
    const std::string& next = tokens[i + 1];
    if (next.size() > 1 && next[0] == '-') {
      if (!*error) {
        *error = name + ": missing value (the next argument '" + next + "' is an option; write " +
                 name + "=" + next + " if that is the value)";
      }
      return i + 1;
    }
    if (name == "--slab-hunter-report" && NamesScript(next)) {
      // The report is created at start: taking the program for it would empty the program.
      if (!*error) {
        *error = name + ": '" + next + "' is a script, not a report (write " + name + "=" +
                 next + " if that is the report's name)";
      }
      return i + 1;
    }
    flags->emplace_back(std::move(name), next);
    return i + 2;
  }
  flags->emplace_back(std::move(name), std::nullopt);
  return i + 1;
}

// Scans options in `tokens` from `begin`, moving preloads to `preloads` and our flags to
// `hunt_flags`. Returns the index of the first token that is not Node's (the script), or
// tokens.size(). `keep` gets the indices of the tokens that stay.
size_t ScanOptions(const std::vector<std::string>& tokens, size_t begin,
                   std::vector<std::string>* preloads, HuntFlags* hunt_flags,
                   std::vector<size_t>* hunt_indices, std::optional<std::string>* hunt_error,
                   std::vector<size_t>* keep) {
  size_t i = begin;
  while (i < tokens.size()) {
    const std::string& token = tokens[i];
    if (token == "--") {
      keep->push_back(i);
      return i + 1;
    }
    if (token.size() < 2 || token[0] != '-') return i;
    const size_t equals = token.find('=');
    const absl::string_view name =
        absl::string_view(token).substr(0, token.rfind("--", 0) == 0 ? equals : token.npos);
    if (IsHuntFlag(name)) {
      const size_t next = TakeHuntFlag(tokens, i, hunt_flags, hunt_error);
      for (; i < next; ++i) hunt_indices->push_back(i);
      continue;
    }
    if (IsRequire(name)) {
      if (equals != std::string::npos && name == "--require") {
        preloads->push_back(token.substr(equals + 1));
        i += 1;
        continue;
      }
      if (i + 1 < tokens.size()) {
        preloads->push_back(tokens[i + 1]);
        i += 2;
        continue;
      }
      keep->push_back(i);  // Node reports the missing value itself.
      return i + 1;
    }
    keep->push_back(i);
    if (name == "--prof-process") return i + 1;  // Node's alias adds "--": the rest are args.
    const bool has_inline_value = equals != std::string::npos && absl::StartsWith(token, "--");
    const bool consumes_next =
        (!has_inline_value && TakesSeparateValue(name)) ||
        (IsPrint(name) && i + 1 < tokens.size() && !absl::StartsWith(tokens[i + 1], "-"));
    if (consumes_next && i + 1 < tokens.size()) {
      keep->push_back(i + 1);
      i += 2;
    } else {
      i += 1;
    }
  }
  return i;
}

std::string QuoteNodeOption(const std::string& token) {
  if (!token.empty() && token.find_first_of(" \"\\") == std::string::npos) return token;
  std::string quoted = "\"";
  for (char c : token) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::optional<std::string> TokenizeNodeOptions(const std::string& value,
                                               std::vector<std::string>* tokens) {
  tokens->clear();
  bool in_string = false;
  bool new_token = true;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && in_string) {
      if (i + 1 == value.size()) return "invalid escape";
      c = value[++i];
    } else if (c == ' ' && !in_string) {
      new_token = true;
      continue;
    } else if (c == '"') {
      in_string = !in_string;
      continue;
    }
    if (new_token) {
      tokens->emplace_back(1, c);
      new_token = false;
    } else {
      tokens->back() += c;
    }
  }
  if (in_string) return "unterminated string";
  return std::nullopt;
}

std::optional<std::string> SplitHuntOptions(const std::string& value, HuntFlags* flags) {
  std::vector<std::string> tokens;
  if (auto error = TokenizeNodeOptions(value, &tokens)) {
    return "invalid value for SLAB_HUNTER_OPTIONS (" + *error + ")";
  }
  std::optional<std::string> error;
  size_t i = 0;
  while (i < tokens.size() && !error) {
    if (!IsHuntFlag(absl::string_view(tokens[i]).substr(0, tokens[i].find('=')))) {
      return "SLAB_HUNTER_OPTIONS: '" + tokens[i] + "' is not a --slab-hunter option";
    }
    i = TakeHuntFlag(tokens, i, flags, &error);
  }
  return error;
}

SplitCommandLine SplitNodeCommandLine(const std::vector<std::string>& argv,
                                      const char* node_options) {
  SplitCommandLine split;
  if (node_options != nullptr) {
    const std::string value = node_options;
    std::vector<std::string> tokens;
    std::vector<size_t> keep;
    // NODE_OPTIONS holds options only; a malformed value is left for Node to report.
    const bool malformed = TokenizeNodeOptions(value, &tokens).has_value();
    HuntFlags ignored;  // Not allowed in NODE_OPTIONS: left in place for Node to reject.
    std::vector<size_t> ignored_indices;
    std::optional<std::string> ignored_error;
    if (!malformed &&
        ScanOptions(tokens, 0, &split.preloads, &ignored, &ignored_indices, &ignored_error,
                    &keep) == tokens.size() &&
        ignored.empty()) {
      std::string kept;
      for (size_t index : keep) {
        if (!kept.empty()) kept += ' ';
        kept += QuoteNodeOption(tokens[index]);
      }
      split.node_options = split.preloads.empty() ? value : kept;
    } else {
      split.preloads.clear();
      split.node_options = value;
    }
  }
  if (argv.empty()) return split;
  std::vector<size_t> keep = {0};
  const size_t script = ScanOptions(argv, 1, &split.preloads, &split.hunt_flags,
                                    &split.hunt_flag_indices, &split.hunt_flag_error, &keep);
  for (size_t i = script; i < argv.size(); ++i) keep.push_back(i);
  for (size_t index : keep) {
    split.node_argv.push_back(argv[index]);
    split.original_index.push_back(index);
  }
  return split;
}

std::vector<std::string> OriginalExecArgs(const std::vector<std::string>& argv,
                                          const SplitCommandLine& split,
                                          size_t node_exec_arg_count) {
  // Node's exec args are node_argv[1 .. count]; in the original argv they end just before the
  // first argument Node did not take, and every removed preload lies before it.
  const size_t next = node_exec_arg_count + 1;
  const size_t end = next < split.original_index.size() ? split.original_index[next] : argv.size();
  std::vector<std::string> exec_args;
  for (size_t i = 1; i < end; ++i) {
    if (std::find(split.hunt_flag_indices.begin(), split.hunt_flag_indices.end(), i) ==
        split.hunt_flag_indices.end()) {
      exec_args.push_back(argv[i]);
    }
  }
  return exec_args;
}

}  // namespace slab_hunter

namespace slab_hunter {

std::optional<std::string> ReadHuntSettings(const SplitCommandLine& split, const char* env,
                                            HuntSettings* settings) {
  HuntFlags flags;
  if (env != nullptr) {
    if (auto error = SplitHuntOptions(env, &flags)) return error;
  }
  if (split.hunt_flag_error) return split.hunt_flag_error;
  flags.insert(flags.end(), split.hunt_flags.begin(), split.hunt_flags.end());
  for (const auto& [name, value] : flags) {
    if (auto error = ApplyHuntFlag(name, value, settings)) return error;
  }
  // Written at the end of the run, whatever directory the program is in by then; the same
  // file named twice is one report.
  std::vector<std::string> paths;
  for (std::string path : settings->report_paths) {
    if (path != "-" && path[0] != '/') {
      char cwd[PATH_MAX];
      if (getcwd(cwd, sizeof cwd) == nullptr) {
        return "--slab-hunter-report: cannot resolve '" + path + "': " + std::strerror(errno);
      }
      path = std::string(cwd) + "/" + path;
    }
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }
  settings->report_paths = paths;
  // Created (and emptied of any earlier run's report) now, so a bad path stops the run before
  // the program starts rather than losing the report at its end. A device or pipe
  // (/dev/stderr) is only opened: emptying it would cut off what a redirected stderr holds.
  for (const std::string& path : settings->report_paths) {
    if (IsStandardStream(path)) continue;
    FILE* file = std::fopen(path.c_str(), IsRegularFileOrAbsent(path) ? "w" : "a");
    if (file == nullptr) {
      return "--slab-hunter-report: cannot create '" + path + "': " + std::strerror(errno);
    }
    std::fclose(file);
  }
  return std::nullopt;
}

}  // namespace slab_hunter

namespace slab_hunter {
namespace {

// The usage line every merge error ends with.
constexpr char kMergeUsage[] =
    "usage: slab-hunter-node --slab-hunter-merge [--slab-hunter-report=<file>] "
    "[--slab-hunter-fail-on-big=<bytes>] [--slab-hunter-fail-on-slab=<bytes>] "
    "[--slab-hunter-fail-on-growth=<bytes>] [--slab-hunter-show-internals] <report.json>...";

bool IsMergeOption(absl::string_view name) {
  return name == "--slab-hunter-report" || name == "--slab-hunter-fail-on-big" ||
         name == "--slab-hunter-fail-on-slab" || name == "--slab-hunter-fail-on-growth" ||
         name == "--slab-hunter-show-internals";
}

absl::string_view FlagName(const std::string& token) {
  return absl::string_view(token).substr(0, token.find('='));
}

bool IsMergeFlag(absl::string_view name) {
  return name == absl::string_view(kMergeFlag.data(), kMergeFlag.size());
}

}  // namespace

bool IsMergeCommandLine(const std::vector<std::string>& argv) {
  HuntFlags flags;
  std::optional<std::string> error;
  size_t i = 1;
  while (i < argv.size() && IsHuntFlag(FlagName(argv[i]))) {
    if (IsMergeFlag(FlagName(argv[i]))) return true;
    i = TakeHuntFlag(argv, i, &flags, &error);
  }
  return false;
}

std::optional<std::string> ReadMergeCommandLine(const std::vector<std::string>& argv,
                                                MergeCommandLine* merge) {
  HuntFlags flags;
  std::optional<std::string> error;
  bool options_ended = false;
  size_t i = 1;
  while (i < argv.size()) {
    const std::string& token = argv[i];
    const absl::string_view name = FlagName(token);
    if (options_ended || token == "-" || token.empty() || token[0] != '-') {
      merge->reports.push_back(token);
      ++i;
    } else if (token == "--") {
      options_ended = true;
      ++i;
    } else if (IsMergeFlag(name)) {
      if (name.size() != token.size()) {
        return std::string(kMergeFlag) + ": takes no value (got '" +
               token.substr(name.size() + 1) + "')";
      }
      ++i;
    } else if (IsMergeOption(name)) {
      i = TakeHuntFlag(argv, i, &flags, &error);
      if (error) return error;
    } else {
      return std::string(kMergeFlag) + ": '" + token + "' is not an option of a merge (" +
             kMergeUsage + ")";
    }
  }
  for (const auto& [flag, value] : flags) {
    if (auto flag_error = ApplyHuntFlag(flag, value, &merge->settings)) return flag_error;
  }
  if (merge->reports.empty()) {
    return std::string(kMergeFlag) + ": no report to merge (" + kMergeUsage + ")";
  }
  return std::nullopt;
}

}  // namespace slab_hunter
