#include "tracker/embedder/command_line.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

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

// Scans options in `tokens` from `begin`, moving preloads to `preloads`. Returns the index of
// the first token that is not Node's (the script), or tokens.size(). `keep` gets the indices
// of the tokens that stay.
size_t ScanOptions(const std::vector<std::string>& tokens, size_t begin,
                   std::vector<std::string>* preloads, std::vector<size_t>* keep) {
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

std::vector<std::string> TokenizeNodeOptions(const std::string& value) {
  std::vector<std::string> tokens;
  bool in_string = false;
  bool new_token = true;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && in_string && i + 1 < value.size()) {
      c = value[++i];
    } else if (c == ' ' && !in_string) {
      new_token = true;
      continue;
    } else if (c == '"') {
      in_string = !in_string;
      continue;
    }
    if (new_token) {
      tokens.emplace_back(1, c);
      new_token = false;
    } else {
      tokens.back() += c;
    }
  }
  return tokens;
}

SplitCommandLine SplitNodeCommandLine(const std::vector<std::string>& argv,
                                      const char* node_options) {
  SplitCommandLine split;
  if (node_options != nullptr) {
    const std::string value = node_options;
    const std::vector<std::string> tokens = TokenizeNodeOptions(value);
    std::vector<size_t> keep;
    // NODE_OPTIONS holds options only; a malformed value is left for Node to report.
    const bool malformed = std::count(value.begin(), value.end(), '"') % 2 != 0;
    if (!malformed && ScanOptions(tokens, 0, &split.preloads, &keep) == tokens.size()) {
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
  const size_t script = ScanOptions(argv, 1, &split.preloads, &keep);
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
  return std::vector<std::string>(argv.begin() + (argv.empty() ? 0 : 1), argv.begin() + end);
}

}  // namespace slab_hunter
