#include "tracker/core/report_reader.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <functional>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tracker/core/fix_hint.h"
#include "tracker/core/growth.h"

namespace slab_hunter {
namespace {

// Ordered: a timeline is written back with its fields in the order its report had them.
using Json = nlohmann::ordered_json;

// What is wrong with a report, and where in it ("bigBufferLeaks[2].amount").
struct ReportError {
  std::string message;
};

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw ReportError{where.empty() ? what : absl::StrCat(where, ": ", what)};
}

std::string TypeName(const Json& value) {
  if (value.is_number()) return "a number";
  return absl::StrCat("a", value.is_array() || value.is_object() ? "n " : " ",
                      std::string(value.type_name()));
}

std::string Path(const std::string& where, std::string_view name) {
  return where.empty() ? std::string(name) : absl::StrCat(where, ".", std::string(name));
}

std::string Path(const std::string& where, size_t index) {
  return absl::StrCat(where, "[", index, "]");
}

const Json& Member(const Json& object, std::string_view name, const std::string& where) {
  const auto it = object.find(name);
  if (it == object.end()) Fail(Path(where, name), "missing");
  return *it;
}

const Json& Typed(const Json& object, std::string_view name, const std::string& where,
                  bool (Json::*is)() const noexcept, const char* expected) {
  const Json& value = Member(object, name, where);
  if (!(value.*is)()) Fail(Path(where, name), absl::StrCat("expected ", expected, ", got ",
                                                           TypeName(value)));
  return value;
}

const Json& Array(const Json& object, std::string_view name, const std::string& where) {
  return Typed(object, name, where, &Json::is_array, "an array");
}

const Json& Object(const Json& object, std::string_view name, const std::string& where) {
  return Typed(object, name, where, &Json::is_object, "an object");
}

std::string String(const Json& object, std::string_view name, const std::string& where) {
  return Typed(object, name, where, &Json::is_string, "a string").get<std::string>();
}

double Number(const Json& object, std::string_view name, const std::string& where) {
  return Typed(object, name, where, &Json::is_number, "a number").get<double>();
}

std::optional<double> NumberOrNull(const Json& object, std::string_view name,
                                   const std::string& where) {
  const Json& value = Member(object, name, where);
  if (value.is_null()) return std::nullopt;
  if (!value.is_number()) {
    Fail(Path(where, name), absl::StrCat("expected a number or null, got ", TypeName(value)));
  }
  return value.get<double>();
}

// A whole number from `min` to `max`.
// The largest amount a report may give: the largest whole number every JSON reader holds
// exactly (2^53), so that the merge's sums of many processes' amounts cannot wrap.
constexpr int64_t kMaxAmount = int64_t{1} << 53;

int64_t Whole(const Json& object, std::string_view name, const std::string& where,
              int64_t min = 0, int64_t max = INT64_MAX) {
  const Json& value = Member(object, name, where);
  const bool whole = value.is_number_integer() && (value.is_number_unsigned()
                                                       ? value.get<uint64_t>() <= uint64_t(max)
                                                       : value.get<int64_t>() >= min &&
                                                             value.get<int64_t>() <= max);
  if (!whole) {
    Fail(Path(where, name),
         absl::StrCat("expected a whole number from ", min, " to ", max, ", got ",
                      value.is_number() ? value.dump() : TypeName(value)));
  }
  return value.get<int64_t>();
}

// The enum value from `first` to below `count` whose name (`name_of`) the field holds. `first`
// skips values written otherwise (a FixHint's kNone is null, not a name).
template <typename Enum, typename NameOf>
Enum Named(const Json& object, std::string_view name, const std::string& where, int count,
           NameOf name_of, int first = 0) {
  const std::string text = String(object, name, where);
  std::string expected;
  for (int i = first; i < count; ++i) {
    const Enum value = static_cast<Enum>(i);
    const std::string_view value_name = name_of(value);
    if (text == value_name) return value;
    absl::StrAppend(&expected, i == first ? "" : ", ", "\"", std::string(value_name), "\"");
  }
  Fail(Path(where, name), absl::StrCat("unknown value \"", text, "\" (expected ", expected, ")"));
}

// The frames of a location. The JSON frame has no is_constructor: the location's text tells
// it ("at new F (...)"), so the frame is formatted back as the report wrote it.
StackId ReadStack(const Json& object, const std::string& where, SharedStacks& stacks) {
  const std::string location = String(object, "location", where);
  const std::vector<std::string> lines = absl::StrSplit(location, "\n    ");
  const Json& frames_json = Array(object, "frames", where);
  std::vector<Frame> frames;
  for (size_t i = 0; i < frames_json.size(); ++i) {
    const std::string at = Path(Path(where, "frames"), i);
    const Json& frame_json = frames_json[i];
    if (!frame_json.is_object()) Fail(at, "expected an object, got " + TypeName(frame_json));
    Frame frame;
    frame.function = String(frame_json, "function", at);
    frame.script = String(frame_json, "file", at);
    frame.line = static_cast<int>(Whole(frame_json, "line", at, 0, INT32_MAX));
    frame.column = static_cast<int>(Whole(frame_json, "column", at, 0, INT32_MAX));
    if (lines.size() == frames_json.size()) {
      const std::string& line = lines[i];
      frame.is_constructor = line.rfind("at new ", 0) == 0 &&
                             line.rfind("at " + frame.function + " (", 0) != 0;
    }
    frames.push_back(std::move(frame));
  }
  return stacks.Intern(frames);
}

Growth ReadGrowth(const Json& entry, const std::string& where) {
  const std::string at = Path(where, "growth");
  const Json& growth_json = Object(entry, "growth", where);
  Growth growth;
  growth.verdict = Named<GrowthVerdict>(growth_json, "verdict", at, 4, GrowthVerdictName);
  growth.bytes_per_minute = NumberOrNull(growth_json, "bytesPerMinute", at);
  if (growth.verdict != GrowthVerdict::kUnknown && !growth.bytes_per_minute) {
    Fail(Path(at, "bytesPerMinute"), "null with a verdict other than \"unknown\"");
  }
  return growth;
}

std::optional<SitePeak> ReadPeak(const Json& entry, const std::string& where) {
  const std::optional<double> bytes = NumberOrNull(entry, "peakBytes", where);
  const std::optional<double> at_ms = NumberOrNull(entry, "peakAtMs", where);
  if (!bytes) return std::nullopt;
  return SitePeak{*bytes, at_ms.value_or(0)};
}

FixHint ReadHint(const Json& entry, const std::string& where) {
  const Json& hint = Member(entry, "hint", where);
  if (hint.is_null()) return FixHint::kNone;
  return Named<FixHint>(entry, "hint", where, 4, FixHintName, /*first=*/1);
}

// What `value`, the field `name` of `object`, estimates: from its "interval95" when the report
// was sampled (the variance from the upper half-width, which the floor at what was observed
// never cuts; what was observed only when the floor cut the lower bound), else exactly `value`.
Estimate ReadEstimate(const Json& object, const char* name, double value,
                      const std::string& where, bool sampled) {
  Estimate estimate;
  estimate.value = value;
  estimate.observed = value;
  const auto intervals = object.find("interval95");
  if (intervals == object.end()) {
    if (sampled) Fail(Path(where, "interval95"), "missing (the report was sampled)");
    return estimate;
  }
  const std::string at = Path(Path(where, "interval95"), name);
  const Json& interval = Member(Object(object, "interval95", where), name, at);
  if (!interval.is_array() || interval.size() != 2 || !interval[0].is_number() ||
      !interval[1].is_number() || interval[0].get<double>() > value ||
      interval[1].get<double>() < value) {
    Fail(at, "expected [low, high] around " + Json(value).dump());
  }
  constexpr double kZ95 = 1.959963984540054;
  const double sd = (interval[1].get<double>() - value) / kZ95;
  estimate.variance = sd * sd;
  const double low = interval[0].get<double>();
  estimate.observed = low > value - kZ95 * sd * (1 + 1e-9) ? low : 0;
  return estimate;
}

// What both kinds of entry have; its thread is returned.
int64_t ReadEntry(const Json& entry, const std::string& where, SharedStacks& stacks, bool sampled,
                  LeakEntry& leak) {
  if (!entry.is_object()) Fail(where, "expected an object, got " + TypeName(entry));
  leak.stack = ReadStack(entry, where, stacks);
  leak.amount = static_cast<uint64_t>(Whole(entry, "amount", where, 0, kMaxAmount));
  const std::string retainers_at = Path(where, "retainers");
  const Json& retainers = Array(entry, "retainers", where);
  for (size_t i = 0; i < retainers.size(); ++i) {
    const std::string at = Path(retainers_at, i);
    if (!retainers[i].is_object()) Fail(at, "expected an object, got " + TypeName(retainers[i]));
    Retainer retainer;
    retainer.stack = ReadStack(retainers[i], at, stacks);
    retainer.amount = static_cast<uint64_t>(Whole(retainers[i], "amount", at, 0, kMaxAmount));
    retainer.bytes = Number(retainers[i], "bytes", at);
    leak.retainers.push_back(retainer);
  }
  leak.unreferenced_bytes = Number(entry, "unreferencedBytes", where);
  leak.amount_estimate =
      ReadEstimate(entry, "amount", static_cast<double>(leak.amount), where, sampled);
  leak.unreferenced_estimate =
      ReadEstimate(entry, "unreferencedBytes", leak.unreferenced_bytes, where, sampled);
  leak.hint = ReadHint(entry, where);
  if (const auto views = entry.find("heapViews"); views != entry.end()) {
    const Json& list = Array(entry, "heapViews", where);
    leak.heap_views.emplace();
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string at = Path(Path(where, "heapViews"), i);
      if (!list[i].is_object()) Fail(at, "expected an object, got " + TypeName(list[i]));
      leak.heap_views->push_back(
          {String(list[i], "type", at), String(list[i], "retainerPath", at)});
    }
  }
  leak.peak = ReadPeak(entry, where);
  leak.growth = ReadGrowth(entry, where);
  return Whole(entry, "threadId", where);
}

ReportThread& ThreadOf(ProcessReport& report, int64_t thread_id, const std::string& where) {
  for (ReportThread& thread : report.threads) {
    if (thread.thread_id != thread_id) continue;
    if (thread.state == ThreadState::kUnanswered) {
      Fail(Path(where, "threadId"),
           absl::StrCat("thread ", thread_id, " is \"unanswered\": it can have no entries"));
    }
    return thread;
  }
  Fail(Path(where, "threadId"), absl::StrCat("thread ", thread_id, " is not in \"threads\""));
}

template <typename Leak, typename ReadSizes>
void ReadEntries(const Json& root, std::string_view name, ProcessReport& report,
                 SharedStacks& stacks, std::vector<Leak> LeakOverview::*list,
                 ReadSizes read_sizes) {
  const Json& entries = Array(root, name, "");
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string where = Path(std::string(name), i);
    Leak leak;
    const bool sampled = report.settings.sample_interval > 0;
    const int64_t thread_id = ReadEntry(entries[i], where, stacks, sampled, leak);
    read_sizes(entries[i], where, sampled, leak);
    (ThreadOf(report, thread_id, where).overview.*list).push_back(std::move(leak));
  }
}

void ReadPeakOnly(const Json& root, ProcessReport& report, SharedStacks& stacks) {
  const Json& sites = Array(root, "peakOnlySites", "");
  for (size_t i = 0; i < sites.size(); ++i) {
    const std::string where = Path("peakOnlySites", i);
    const Json& site_json = sites[i];
    if (!site_json.is_object()) Fail(where, "expected an object, got " + TypeName(site_json));
    PeakOnlySite site;
    site.site.kind = Named<SiteKind>(site_json, "kind", where, 2, SiteKindName);
    site.site.stack = ReadStack(site_json, where, stacks);
    const std::optional<SitePeak> peak = ReadPeak(site_json, where);
    if (!peak) Fail(Path(where, "peakBytes"), "null: a peak-only site has a peak");
    site.peak = *peak;
    site.growth = ReadGrowth(site_json, where);
    ThreadOf(report, Whole(site_json, "threadId", where), where)
        .overview.peak_only.push_back(site);
  }
}

void ReadThreads(const Json& root, ProcessReport& report) {
  const Json& threads = Array(root, "threads", "");
  if (threads.empty()) Fail("threads", "empty: a report covers at least its main thread");
  for (size_t i = 0; i < threads.size(); ++i) {
    const std::string where = Path("threads", i);
    if (!threads[i].is_object()) Fail(where, "expected an object, got " + TypeName(threads[i]));
    ReportThread thread;
    thread.thread_id = Whole(threads[i], "threadId", where);
    thread.state = Named<ThreadState>(threads[i], "state", where, 4, ThreadStateName);
    for (const ReportThread& other : report.threads) {
      if (other.thread_id == thread.thread_id) {
        Fail(Path(where, "threadId"), absl::StrCat("thread ", thread.thread_id, " twice"));
      }
    }
    report.threads.push_back(std::move(thread));
  }
}

void ReadSettings(const Json& root, ProcessReport& report) {
  const Json& settings = Object(root, "settings", "");
  report.settings.leak_cutoff_ms = Number(settings, "leakCutoffMs", "settings");
  report.settings.big_buffer_cutoff = Number(settings, "bigBufferCutoff", "settings");
  report.settings.stack_depth = static_cast<int>(Whole(settings, "stackDepth", "settings", 0, 64));
  // Reports made before sampling was by bytes have no sampleIntervalBytes.
  if (settings.contains("sampleIntervalBytes") && !settings["sampleIntervalBytes"].is_null()) {
    report.settings.sample_interval = Number(settings, "sampleIntervalBytes", "settings");
    if (!(report.settings.sample_interval >= 1)) {
      Fail("settings.sampleIntervalBytes",
           "expected null or a mean interval of at least 1 byte, got " +
               settings["sampleIntervalBytes"].dump());
    }
    const std::string seed = String(settings, "sampleSeed", "settings");
    uint64_t value = 0;
    const auto parsed = std::from_chars(seed.data(), seed.data() + seed.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != seed.data() + seed.size()) {
      Fail("settings.sampleSeed", "expected a whole number in a string, got \"" + seed + "\"");
    }
    report.settings.sample_seed = value;
  }
  const Json& budgets = Object(root, "budgets", "");
  report.settings.budgets.big_buffer_leaks = NumberOrNull(budgets, "bigBufferLeaks", "budgets");
  report.settings.budgets.slab_leaks = NumberOrNull(budgets, "slabLeaks", "budgets");
  report.settings.budgets.growth = NumberOrNull(budgets, "growthBytesPerMinute", "budgets");
  // Reports made before the field was added have no pid.
  if (root.contains("pid") && !root["pid"].is_null()) {
    report.settings.pid = Whole(root, "pid", "", 0);
  }
}

void ReadRoot(const Json& root, SharedStacks& stacks, ProcessReport& report) {
  if (!root.is_object()) Fail("", "not a report: expected a JSON object, got " + TypeName(root));
  const auto schema = root.find("schema");
  if (schema == root.end() || !schema->is_string() || *schema != "slab-hunter-report") {
    Fail("", "not a slab-hunter report (no \"schema\": \"slab-hunter-report\")");
  }
  const Json& version = Member(root, "version", "");
  if (version != kReportSchemaVersion) {
    Fail("version", absl::StrCat("unsupported version ", version.dump(), " (expected ",
                                 kReportSchemaVersion, ")"));
  }
  if (root.contains("processes")) {
    Fail("", "a merged report (it has \"processes\"): merge the processes' own reports");
  }
  ReadSettings(root, report);
  ReadThreads(root, report);
  ReadEntries<BigBufferLeak>(root, "bigBufferLeaks", report, stacks,
                             &LeakOverview::big_buffer_leaks,
                             [](const Json& entry, const std::string& where, bool sampled,
                                BigBufferLeak& leak) {
                               leak.total_size = Number(entry, "totalSize", where);
                               leak.total_size_estimate = ReadEstimate(
                                   entry, "totalSize", leak.total_size, where, sampled);
                             });
  ReadEntries<SlabLeak>(root, "slabLeaks", report, stacks, &LeakOverview::slab_leaks,
                        [](const Json& entry, const std::string& where, bool sampled,
                           SlabLeak& leak) {
                          leak.total_leaked_bytes = Number(entry, "totalLeakedBytes", where);
                          leak.normalised_total_leaked_bytes =
                              Number(entry, "normalisedTotalLeakedBytes", where);
                          leak.total_leaked_estimate = ReadEstimate(
                              entry, "totalLeakedBytes", leak.total_leaked_bytes, where, sampled);
                          leak.normalised_estimate =
                              ReadEstimate(entry, "normalisedTotalLeakedBytes",
                                           leak.normalised_total_leaked_bytes, where, sampled);
                        });
  ReadPeakOnly(root, report, stacks);
  const Json& totals = Object(root, "totals", "");
  LeakOverview& first = report.threads.front().overview;
  first.total_big_buffer_leaks = Number(totals, "bigBufferLeaks", "totals");
  first.total_slab_leaks = Number(totals, "slabLeaks", "totals");
  first.total_unreferenced_bytes = Number(totals, "unreferencedBytes", "totals");
  const bool sampled = report.settings.sample_interval > 0;
  first.total_big_buffer_estimate =
      ReadEstimate(totals, "bigBufferLeaks", first.total_big_buffer_leaks, "totals", sampled);
  first.total_slab_estimate =
      ReadEstimate(totals, "slabLeaks", first.total_slab_leaks, "totals", sampled);
  first.total_unreferenced_estimate = ReadEstimate(
      totals, "unreferencedBytes", first.total_unreferenced_bytes, "totals", sampled);
  // Every thread of a process samples at the process's interval, from the process's seed.
  for (ReportThread& thread : report.threads) {
    thread.overview.sampled = report.settings.sample_interval > 0;
    thread.overview.sample_interval = report.settings.sample_interval;
    thread.overview.sample_seed = report.settings.sample_seed;
  }
  const Json& timeline = Member(root, "timeline", "");
  if (!timeline.is_null() && !timeline.is_object()) {
    Fail("timeline", "expected an object or null, got " + TypeName(timeline));
  }
  report.timeline_json = timeline.dump();
}

}  // namespace

StackId SharedStacks::Intern(const std::vector<Frame>& frames) {
  std::vector<FrameId> ids;
  ids.reserve(frames.size());
  for (const Frame& frame : frames) {
    const auto [script, added] =
        script_ids_.try_emplace(frame.script, static_cast<int>(script_ids_.size()));
    const FramePosition position{script->second, frame.line, frame.column,
                                 frame.is_constructor,
                                 static_cast<uint32_t>(std::hash<std::string>()(frame.function))};
    ids.push_back(frames_.Intern(
        position, [&](std::string_view name) { return name == frame.function; },
        [&] { return frame; }));
  }
  return stacks_.Intern(ids);
}

std::vector<ThreadOverview> ThreadOverviewsOf(absl::Span<const ReportThread> threads,
                                              const SharedStacks& stacks) {
  std::vector<ThreadOverview> overviews;
  for (const ReportThread& thread : threads) {
    overviews.push_back({thread.thread_id, thread.state,
                         thread.state == ThreadState::kUnanswered ? nullptr : &thread.overview,
                         &stacks.frames(), &stacks.stacks()});
  }
  return overviews;
}

std::optional<std::string> ReadReport(std::string_view text, const std::string& file,
                                      SharedStacks& stacks, ProcessReport* report) {
  *report = ProcessReport();
  report->file = file;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return file + ": empty (the run that writes it may not have ended, or it failed to write)";
  }
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    // nlohmann's message says where ("[json.exception.parse_error.101] parse error at line 1,
    // column 5: ..."); its own prefix is left out.
    const std::string what = error.what();
    return absl::StrCat(file, ": not JSON (", what.substr(what.find("parse error")), ")");
  } catch (const Json::exception& error) {
    // A number no double holds (1e999): "[json.exception.out_of_range.406] number overflow ...".
    const std::string what = error.what();
    return absl::StrCat(file, ": not a report (", what.substr(what.find(']') + 2), ")");
  }
  try {
    ReadRoot(root, stacks, *report);
  } catch (const ReportError& error) {
    return absl::StrCat(file, ": ", error.message);
  }
  return std::nullopt;
}

std::optional<std::string> ReadReportFile(const std::string& path, SharedStacks& stacks,
                                          ProcessReport* report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::StrCat(path, ": cannot read: ", std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::StrCat(path, ": cannot read: ", std::strerror(errno));
  return ReadReport(text.str(), path, stacks, report);
}

}  // namespace slab_hunter
