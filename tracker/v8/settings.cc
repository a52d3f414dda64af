#include "tracker/v8/settings.h"

#include <charconv>
#include <cmath>
#include <csignal>
#include <string>

#include <unistd.h>

namespace slab_hunter {
namespace {

// A non-negative decimal number written with digits and at most one point, the whole of `text`
// (no sign, exponent, "inf" or "nan").
std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos ||
      text.find('.') != text.rfind('.') || text == ".") {
    return std::nullopt;
  }
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> Invalid(std::string_view name, std::string_view value,
                                   std::string_view expected) {
  return std::string(name) + ": invalid value '" + std::string(value) + "' (expected " +
         std::string(expected) + ")";
}

// The report file name with %p (this process's id: children inherit SLAB_HUNTER_OPTIONS, and
// each would otherwise write over the others' report) and %% (a %) replaced; nullopt for any
// other % sequence, kept free for later use.
std::optional<std::string> ExpandReportName(std::string_view pattern) {
  std::string name;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      name += pattern[i];
      continue;
    }
    if (++i == pattern.size()) return std::nullopt;
    if (pattern[i] == '%') {
      name += '%';
    } else if (pattern[i] == 'p') {
      name += std::to_string(getpid());
    } else {
      return std::nullopt;
    }
  }
  return name;
}

// The signals a report may take: those that neither end the run (SIGINT, SIGTERM: they write
// the report already), nor cannot be caught, nor are used by Node (SIGUSR1: the inspector;
// SIGPROF: the CPU profiler; SIGCHLD: child processes; SIGPIPE: ignored), nor report faults.
int ReportSignalNumber(std::string_view name) {
  static constexpr struct {
    std::string_view name;
    int number;
  } kSignals[] = {
      {"SIGHUP", SIGHUP},     {"SIGQUIT", SIGQUIT},     {"SIGUSR2", SIGUSR2},
      {"SIGALRM", SIGALRM},   {"SIGCONT", SIGCONT},     {"SIGTSTP", SIGTSTP},
      {"SIGTTIN", SIGTTIN},   {"SIGTTOU", SIGTTOU},     {"SIGURG", SIGURG},
      {"SIGXCPU", SIGXCPU},   {"SIGXFSZ", SIGXFSZ},     {"SIGVTALRM", SIGVTALRM},
      {"SIGWINCH", SIGWINCH}, {"SIGIO", SIGIO},         {"SIGPOLL", SIGPOLL},
      {"SIGPWR", SIGPWR},
  };
  for (const auto& signal : kSignals) {
    if (signal.name == name) return signal.number;
  }
  return 0;
}

// The flags that take no value.
bool IsSwitch(std::string_view name) {
  return name == kFlagPrefix || name == "--slab-hunter-verify-stacks" ||
         name == "--slab-hunter-verify-heap" || name == "--slab-hunter-show-internals" ||
         name == "--slab-hunter-sample";
}

}  // namespace

std::optional<double> ParseByteSize(std::string_view text) {
  static constexpr struct {
    std::string_view suffix;
    double factor;
  } kUnits[] = {{"KiB", 1024.0}, {"MiB", 1024.0 * 1024}, {"GiB", 1024.0 * 1024 * 1024},
                {"TiB", 1024.0 * 1024 * 1024 * 1024},
                {"kB", 1e3},     {"KB", 1e3},            {"MB", 1e6},
                {"GB", 1e9},     {"B", 1}};
  for (const auto& unit : kUnits) {
    if (text.size() > unit.suffix.size() &&
        text.substr(text.size() - unit.suffix.size()) == unit.suffix) {
      const auto number = ParseNumber(text.substr(0, text.size() - unit.suffix.size()));
      if (!number) return std::nullopt;
      return std::floor(*number * unit.factor);
    }
  }
  const auto number = ParseNumber(text);
  if (!number || std::floor(*number) != *number) return std::nullopt;
  return number;
}

bool HuntFlagTakesValue(std::string_view name) {
  return name.size() > kFlagPrefix.size() && name.substr(0, kFlagPrefix.size()) == kFlagPrefix &&
         !IsSwitch(name);
}

std::optional<std::string> ApplyHuntFlag(std::string_view name, std::optional<std::string> value,
                                         HuntSettings* settings) {
  settings->track_from_start = true;
  if (name == "--slab-hunter-sample-rate") {
    return std::string(name) +
           ": gone: sampling is by bytes now, --slab-hunter-sample or "
           "--slab-hunter-sample-bytes=<mean interval>";
  }
  if (IsSwitch(name)) {
    if (value) return std::string(name) + ": takes no value (got '" + *value + "')";
    if (name == "--slab-hunter-verify-stacks") settings->verify_stack_cache = true;
    if (name == "--slab-hunter-verify-heap") settings->verify_heap = true;
    if (name == "--slab-hunter-show-internals") settings->show_internals = true;
    if (name == "--slab-hunter-sample" && settings->sample_interval == 0) {
      settings->sample_interval = kDefaultSampleInterval;
    }
    return std::nullopt;
  }
  if (!value) return std::string(name) + ": missing value";
  const std::string& text = *value;
  if (name == "--slab-hunter-leak-cutoff") {
    const auto ms = ParseNumber(text);
    if (!ms) return Invalid(name, text, "milliseconds, a number >= 0");
    settings->leak_cutoff_ms = *ms;
  } else if (name == "--slab-hunter-big-cutoff") {
    const auto bytes = ParseByteSize(text);
    if (!bytes) return Invalid(name, text, "a size in bytes, e.g. 4000, 64KiB, 1MB");
    settings->big_buffer_cutoff = *bytes;
  } else if (name == "--slab-hunter-stack-depth") {
    int depth = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), depth);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || depth < 1 ||
        depth > 64) {
      return Invalid(name, text, "a whole number of frames from 1 to 64");
    }
    settings->stack_depth = depth;
  } else if (name == "--slab-hunter-sample-bytes") {
    const auto bytes = ParseByteSize(text);
    if (!bytes || *bytes < 1 || *bytes > kMaxSampleInterval) {
      return Invalid(name, text, "a mean sampling interval from 1 byte to 1TiB, e.g. 256KiB, 1MB");
    }
    settings->sample_interval = *bytes;
  } else if (name == "--slab-hunter-sample-seed") {
    uint64_t seed = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
      return Invalid(name, text, "a whole number from 0 to 18446744073709551615");
    }
    settings->sample_seed = seed;
    // A seed is for sampling: alone, it samples at the default interval.
    if (settings->sample_interval == 0) settings->sample_interval = kDefaultSampleInterval;
  } else if (name == "--slab-hunter-interval") {
    const auto ms = ParseNumber(text);
    if (!ms || *ms < 1 || *ms > kMaxIntervalMs) {
      return Invalid(name, text, "milliseconds, from 1 to 2147483647");
    }
    settings->interval_ms = *ms;
  } else if (name == "--slab-hunter-timeline") {
    const auto ms = ParseNumber(text);
    if (!ms || (*ms != 0 && *ms < 1) || *ms > kMaxIntervalMs) {
      return Invalid(name, text, "milliseconds, from 1 to 2147483647, or 0 for no timeline");
    }
    settings->timeline_ms = *ms;
  } else if (name == "--slab-hunter-fail-on-growth") {
    const auto bytes = ParseByteSize(text);
    if (!bytes) return Invalid(name, text, "bytes per minute, e.g. 100000, 64KiB, 1MB");
    settings->fail_on_growth = *bytes;
  } else if (name == "--slab-hunter-report") {
    const auto report_name = text.empty() ? std::nullopt : ExpandReportName(text);
    if (!report_name) {
      return Invalid(name, text,
                     "a file name, or - for stderr; in the name, %p is the process id and %% is %");
    }
    settings->report_paths.push_back(*report_name);  // repeatable: one per format wanted
  } else if (name == "--slab-hunter-report-signal") {
    const int signal = ReportSignalNumber(text);
    if (signal == 0) {
      return Invalid(name, text,
                     "a signal name such as SIGUSR2; not SIGINT or SIGTERM, which end the run "
                     "with the report, nor SIGKILL, SIGSTOP, SIGUSR1, SIGPROF, SIGCHLD, SIGPIPE "
                     "or a fault signal, which Node or the system needs");
    }
    settings->report_signal = signal;
  } else if (name == "--slab-hunter-fail-on-big" || name == "--slab-hunter-fail-on-slab") {
    const auto bytes = ParseByteSize(text);
    if (!bytes) return Invalid(name, text, "a size in bytes, e.g. 50000, 64KiB, 1MB");
    (name == "--slab-hunter-fail-on-big" ? settings->fail_on_big : settings->fail_on_slab) =
        *bytes;
  } else {
    return std::string(name) + ": unknown option";
  }
  return std::nullopt;
}

}  // namespace slab_hunter
