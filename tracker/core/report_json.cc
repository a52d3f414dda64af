#include "tracker/core/report_json.h"

#include <charconv>
#include <cstdint>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

namespace slab_hunter {
namespace {

// The shortest text that reads back as the same double, as JSON.stringify writes numbers.
std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  // Whole numbers as integers (100000, not 1e+05), as JSON.stringify writes them.
  if (std::floor(value) == value && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string JsonOptional(const std::optional<double>& value) {
  return value ? JsonNumber(*value) : "null";
}

void AppendFrames(std::string* out, const FrameTable& frames, const StackTree& stacks,
                  StackId stack) {
  out->append("[");
  bool first = true;
  for (FrameId id : stacks.Frames(stack)) {
    const Frame& frame = frames.Get(id);
    absl::StrAppend(out, first ? "" : ",", "{\"function\":", JsonString(frame.function),
                    ",\"file\":", JsonString(frame.script), ",\"line\":", frame.line,
                    ",\"column\":", frame.column, "}");
    first = false;
  }
  out->append("]");
}

void AppendLocation(std::string* out, const FrameTable& frames, const StackTree& stacks,
                    StackId stack) {
  absl::StrAppend(out, "\"location\":", JsonString(FormatStack(frames, stacks, stack)),
                  ",\"frames\":");
  AppendFrames(out, frames, stacks, stack);
}

void AppendHeapViews(std::string* out, const std::vector<HeapView>& views) {
  out->append(",\"heapViews\":[");
  for (size_t i = 0; i < views.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "" : ",", "{\"type\":", JsonString(views[i].type),
                    ",\"retainerPath\":", JsonString(views[i].retainer_path), "}");
  }
  out->append("]");
}

// One entry of either kind: location, frames and amount, the seed's size fields, then what
// both kinds add (retainers, unreferenced bytes, hint; the heap's views after a heap check).
// Within version 1 fields are only added.
void AppendEntry(std::string* out, const LeakEntry& leak, absl::Span<const SeedField> seed_fields,
                 const FrameTable& frames, const StackTree& stacks, int64_t thread_id) {
  out->append("{");
  AppendLocation(out, frames, stacks, leak.stack);
  absl::StrAppend(out, ",\"threadId\":", thread_id, ",\"amount\":", leak.amount);
  for (const SeedField& field : seed_fields) {
    absl::StrAppend(out, ",\"", field.name, "\":", JsonNumber(field.value));
  }
  out->append(",\"retainers\":[");
  for (size_t i = 0; i < leak.retainers.size(); ++i) {
    out->append(i == 0 ? "{" : ",{");
    AppendLocation(out, frames, stacks, leak.retainers[i].stack);
    absl::StrAppend(out, ",\"amount\":", leak.retainers[i].amount,
                    ",\"bytes\":", JsonNumber(leak.retainers[i].bytes), "}");
  }
  absl::StrAppend(out, "],\"unreferencedBytes\":", JsonNumber(leak.unreferenced_bytes),
                  ",\"hint\":",
                  leak.hint == FixHint::kNone ? "null" : JsonString(FixHintName(leak.hint)));
  if (leak.heap_views) AppendHeapViews(out, *leak.heap_views);
  out->append("}");
}

template <typename Leak>
void AppendEntries(std::string* out, const std::vector<ThreadEntry<Leak>>& entries) {
  out->append("[");
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out->append(",");
    const ThreadOverview& thread = *entries[i].thread;
    AppendEntry(out, *entries[i].leak, entries[i].leak->SeedFields(), *thread.frames,
                *thread.stacks, thread.thread_id);
  }
  out->append("]");
}

void AppendThreads(std::string* out, absl::Span<const ThreadOverview> threads) {
  out->append(",\"threads\":[");
  for (size_t i = 0; i < threads.size(); ++i) {
    absl::StrAppend(out, i == 0 ? "" : ",", "{\"threadId\":", threads[i].thread_id,
                    ",\"state\":", JsonString(ThreadStateName(threads[i].state)), "}");
  }
  out->append("]");
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through unchanged
        }
    }
  }
  return out + "\"";
}

BudgetVerdict CheckBudgets(const LeakOverview& overview, const Budgets& budgets) {
  BudgetVerdict verdict;
  verdict.big_buffer_leaks_over =
      budgets.big_buffer_leaks && overview.total_big_buffer_leaks > *budgets.big_buffer_leaks;
  verdict.slab_leaks_over = budgets.slab_leaks && overview.total_slab_leaks > *budgets.slab_leaks;
  return verdict;
}

std::string FormatJson(const LeakOverview& overview, const FrameTable& frames,
                       const StackTree& stacks, const ReportSettings& settings) {
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, &frames, &stacks};
  return FormatJson(absl::MakeConstSpan(&thread, 1), settings);
}

std::string FormatJson(absl::Span<const ThreadOverview> threads, const ReportSettings& settings) {
  const LeakOverview totals = TotalsOf(threads);
  const BudgetVerdict verdict = CheckBudgets(totals, settings.budgets);
  std::string out;
  absl::StrAppend(&out, "{\"schema\":\"slab-hunter-report\",\"version\":", kReportSchemaVersion,
                  ",\"settings\":{\"leakCutoffMs\":", JsonNumber(settings.leak_cutoff_ms),
                  ",\"bigBufferCutoff\":", JsonNumber(settings.big_buffer_cutoff),
                  ",\"stackDepth\":", settings.stack_depth, "}");
  absl::StrAppend(&out, ",\"totals\":{\"bigBufferLeaks\":",
                  JsonNumber(totals.total_big_buffer_leaks),
                  ",\"slabLeaks\":", JsonNumber(totals.total_slab_leaks),
                  ",\"unreferencedBytes\":", JsonNumber(totals.total_unreferenced_bytes), "}");
  absl::StrAppend(&out, ",\"budgets\":{\"bigBufferLeaks\":",
                  JsonOptional(settings.budgets.big_buffer_leaks),
                  ",\"slabLeaks\":", JsonOptional(settings.budgets.slab_leaks),
                  ",\"exceeded\":", verdict.exceeded() ? "true" : "false", "}");
  AppendThreads(&out, threads);
  out.append(",\"bigBufferLeaks\":");
  AppendEntries(&out, BigBufferLeaksOf(threads));
  out.append(",\"slabLeaks\":");
  AppendEntries(&out, SlabLeaksOf(threads));
  out.append("}");
  return out;
}

}  // namespace slab_hunter
