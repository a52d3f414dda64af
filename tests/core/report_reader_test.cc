#include "tracker/core/report_reader.h"

#include <string>

#include "gtest/gtest.h"
#include "tracker/core/report_text.h"

namespace slab_hunter {
namespace {

// A version 2 report of process 101: one big-buffer entry at app.js:5 (a constructor call
// below it) with a retainer, one slab entry, one peak-only site, a Worker that ended, and a
// timeline.
constexpr char kReport[] = R"json({"schema":"slab-hunter-report","version":2,"pid":101,
  "settings":{"leakCutoffMs":0,"bigBufferCutoff":4000,"stackDepth":10},
  "totals":{"bigBufferLeaks":65536,"slabLeaks":300.5,"unreferencedBytes":65000},
  "budgets":{"bigBufferLeaks":1000,"slabLeaks":null,"growthBytesPerMinute":null,"exceeded":true},
  "threads":[{"threadId":0,"state":"running"},{"threadId":3,"state":"ended"}],
  "bigBufferLeaks":[{"location":"at load (/app/app.js:5:9)\n    at new Server (/app/app.js:20:3)",
    "frames":[{"function":"load","file":"/app/app.js","line":5,"column":9},
              {"function":"Server","file":"/app/app.js","line":20,"column":3}],
    "threadId":0,"amount":4,"totalSize":65536,
    "retainers":[{"location":"at /app/app.js:6:21","frames":[{"function":"","file":"/app/app.js","line":6,"column":21}],"amount":4,"bytes":64}],
    "unreferencedBytes":65000,"hint":"copy-out","peakBytes":70000,"peakAtMs":1500,
    "growth":{"verdict":"growing","bytesPerMinute":12000}}],
  "slabLeaks":[{"location":"at /app/w.js:2:1","frames":[{"function":"","file":"/app/w.js","line":2,"column":1}],
    "threadId":3,"amount":2,"totalLeakedBytes":600,"normalisedTotalLeakedBytes":300.5,
    "retainers":[],"unreferencedBytes":0,"hint":null,"peakBytes":null,"peakAtMs":null,
    "growth":{"verdict":"unknown","bytesPerMinute":null}}],
  "peakOnlySites":[{"kind":"slab","location":"at /app/app.js:9:1","frames":[{"function":"","file":"/app/app.js","line":9,"column":1}],
    "threadId":0,"peakBytes":800,"peakAtMs":200,"growth":{"verdict":"shrinking","bytesPerMinute":-50}}],
  "timeline":{"threadId":0,"ticks":2,"atMs":[10,20]}})json";

TEST(ReadReportTest, ReadsEveryField) {
  SharedStacks stacks;
  ProcessReport report;
  ASSERT_EQ(ReadReport(kReport, "/app/r.json", stacks, &report), std::nullopt);
  EXPECT_EQ(report.file, "/app/r.json");
  EXPECT_EQ(report.settings.pid, 101);
  EXPECT_EQ(report.settings.stack_depth, 10);
  EXPECT_EQ(report.settings.big_buffer_cutoff, 4000);
  EXPECT_EQ(report.settings.budgets.big_buffer_leaks, 1000);
  EXPECT_EQ(report.settings.budgets.slab_leaks, std::nullopt);
  ASSERT_EQ(report.threads.size(), 2u);
  EXPECT_EQ(report.threads[1].thread_id, 3);
  EXPECT_EQ(report.threads[1].state, ThreadState::kEnded);

  const LeakOverview& main = report.threads[0].overview;
  EXPECT_EQ(main.total_big_buffer_leaks, 65536);
  EXPECT_EQ(main.total_slab_leaks, 300.5);
  EXPECT_EQ(main.total_unreferenced_bytes, 65000);
  ASSERT_EQ(main.big_buffer_leaks.size(), 1u);
  const BigBufferLeak& big = main.big_buffer_leaks[0];
  EXPECT_EQ(big.amount, 4u);
  EXPECT_EQ(big.total_size, 65536);
  EXPECT_EQ(big.unreferenced_bytes, 65000);
  EXPECT_EQ(big.hint, FixHint::kCopyOut);
  // The constructor frame comes back as one: the location reads as the report wrote it.
  EXPECT_EQ(FormatStack(stacks.frames(), stacks.stacks(), big.stack),
            "at load (/app/app.js:5:9)\n    at new Server (/app/app.js:20:3)");
  ASSERT_EQ(big.retainers.size(), 1u);
  EXPECT_EQ(FormatStack(stacks.frames(), stacks.stacks(), big.retainers[0].stack),
            "at /app/app.js:6:21");
  EXPECT_EQ(big.retainers[0].amount, 4u);
  EXPECT_EQ(big.retainers[0].bytes, 64);
  ASSERT_TRUE(big.peak.has_value());
  EXPECT_EQ(big.peak->bytes, 70000);
  EXPECT_EQ(big.peak->at_ms, 1500);
  EXPECT_EQ(big.growth.verdict, GrowthVerdict::kGrowing);
  EXPECT_EQ(big.growth.bytes_per_minute, 12000);
  EXPECT_FALSE(big.heap_views.has_value());

  ASSERT_EQ(main.peak_only.size(), 1u);
  EXPECT_EQ(main.peak_only[0].site.kind, SiteKind::kSlab);
  EXPECT_EQ(main.peak_only[0].peak.bytes, 800);
  EXPECT_EQ(main.peak_only[0].growth.verdict, GrowthVerdict::kShrinking);

  const LeakOverview& worker = report.threads[1].overview;
  EXPECT_EQ(worker.total_big_buffer_leaks, 0);  // the report's totals are on the first thread
  ASSERT_EQ(worker.slab_leaks.size(), 1u);
  EXPECT_EQ(worker.slab_leaks[0].amount, 2u);
  EXPECT_EQ(worker.slab_leaks[0].total_leaked_bytes, 600);
  EXPECT_EQ(worker.slab_leaks[0].normalised_total_leaked_bytes, 300.5);
  EXPECT_EQ(worker.slab_leaks[0].hint, FixHint::kNone);
  EXPECT_FALSE(worker.slab_leaks[0].peak.has_value());

  EXPECT_EQ(report.timeline_json, R"({"threadId":0,"ticks":2,"atMs":[10,20]})");
}

TEST(ReadReportTest, OneLocationIsOneStackAcrossReports) {
  SharedStacks stacks;
  ProcessReport first;
  ProcessReport second;
  ASSERT_EQ(ReadReport(kReport, "a.json", stacks, &first), std::nullopt);
  const size_t stack_count = stacks.stacks().size();
  ASSERT_EQ(ReadReport(kReport, "b.json", stacks, &second), std::nullopt);
  EXPECT_EQ(stacks.stacks().size(), stack_count);
  EXPECT_EQ(first.threads[0].overview.big_buffer_leaks[0].stack,
            second.threads[0].overview.big_buffer_leaks[0].stack);
  EXPECT_NE(first.threads[0].overview.big_buffer_leaks[0].stack,
            first.threads[0].overview.peak_only[0].site.stack);
}

TEST(ReadReportTest, ReportsWithoutPidAreRead) {
  std::string text = kReport;
  text.replace(text.find("\"pid\":101,"), 10, "");
  SharedStacks stacks;
  ProcessReport report;
  ASSERT_EQ(ReadReport(text, "old.json", stacks, &report), std::nullopt);
  EXPECT_EQ(report.settings.pid, std::nullopt);
}

// The error for kReport with `from` replaced by `to`.
std::string ErrorWith(const std::string& from, const std::string& to) {
  std::string text = kReport;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  SharedStacks stacks;
  ProcessReport report;
  return ReadReport(text, "/app/r.json", stacks, &report).value_or("(no error)");
}

TEST(ReadReportTest, ErrorsNameTheFileAndWhatIsWrong) {
  EXPECT_EQ(ErrorWith("\"version\":2", "\"version\":3"),
            "/app/r.json: version: unsupported version 3 (expected 2)");
  EXPECT_EQ(ErrorWith("\"schema\":\"slab-hunter-report\"", "\"schema\":\"other\""),
            "/app/r.json: not a slab-hunter report (no \"schema\": \"slab-hunter-report\")");
  EXPECT_EQ(ErrorWith("\"amount\":4,", ""), "/app/r.json: bigBufferLeaks[0].amount: missing");
  EXPECT_EQ(ErrorWith("\"amount\":4,", "\"amount\":\"4\","),
            "/app/r.json: bigBufferLeaks[0].amount: expected a whole number from 0 to "
            "9007199254740992, got a string");
  EXPECT_EQ(ErrorWith("\"amount\":4,", "\"amount\":-4,"),
            "/app/r.json: bigBufferLeaks[0].amount: expected a whole number from 0 to "
            "9007199254740992, got -4");
  // Past 2^53, a sum of a few processes' amounts could wrap.
  EXPECT_EQ(ErrorWith("\"amount\":4,", "\"amount\":9223372036854775807,"),
            "/app/r.json: bigBufferLeaks[0].amount: expected a whole number from 0 to "
            "9007199254740992, got 9223372036854775807");
  EXPECT_EQ(ErrorWith("\"totalSize\":65536", "\"totalSize\":null"),
            "/app/r.json: bigBufferLeaks[0].totalSize: expected a number, got a null");
  EXPECT_EQ(ErrorWith("\"line\":6,", "\"line\":[],"),
            "/app/r.json: bigBufferLeaks[0].retainers[0].frames[0].line: expected a whole number "
            "from 0 to 2147483647, got an array");
  EXPECT_EQ(ErrorWith("\"hint\":\"copy-out\"", "\"hint\":\"none\""),
            "/app/r.json: bigBufferLeaks[0].hint: unknown value \"none\" (expected \"copy-out\", "
            "\"unslab\", \"alloc-unsafe-slow\")");
  EXPECT_EQ(ErrorWith("\"verdict\":\"growing\"", "\"verdict\":\"fast\""),
            "/app/r.json: bigBufferLeaks[0].growth.verdict: unknown value \"fast\" (expected "
            "\"unknown\", \"steady\", \"growing\", \"shrinking\")");
  EXPECT_EQ(ErrorWith("\"threadId\":3,\"amount\"", "\"threadId\":4,\"amount\""),
            "/app/r.json: slabLeaks[0].threadId: thread 4 is not in \"threads\"");
  EXPECT_EQ(ErrorWith("\"slabLeaks\":[{", "\"slabLeaks\":[7,{"),
            "/app/r.json: slabLeaks[0]: expected an object, got a number");
  EXPECT_EQ(ErrorWith("\"timeline\":{", "\"timeline\":[{"),
            "/app/r.json: not JSON (parse error at line 19, column 54: syntax error while "
            "parsing array - unexpected '}'; expected ']')");
  EXPECT_EQ(ErrorWith("{\"schema\"", "[{\"schema\""),
            "/app/r.json: not JSON (parse error at line 19, column 54: syntax error while "
            "parsing array - unexpected end of input; expected ']')");
}

TEST(ReadReportTest, MergedReportsAndNonReportsAreRefused) {
  SharedStacks stacks;
  ProcessReport report;
  EXPECT_EQ(ReadReport("", "e.json", stacks, &report),
            "e.json: empty (the run that writes it may not have ended, or it failed to write)");
  EXPECT_EQ(ReadReport("[1,2]", "a.json", stacks, &report),
            "a.json: not a report: expected a JSON object, got an array");
  EXPECT_EQ(ReadReport("{\"schema\":\"slab-hunter-report\",\"version\":2,\"processes\":[]}",
                       "m.json", stacks, &report),
            "m.json: a merged report (it has \"processes\"): merge the processes' own reports");
}

// Every prefix of a report (a file cut short by a run that was killed while writing) and
// every field of the wrong type gives an error, never a crash.
TEST(ReadReportTest, TruncatedAndMistypedReportsGiveErrors) {
  const std::string text = kReport;
  for (size_t length = 0; length < text.size(); ++length) {
    SharedStacks stacks;
    ProcessReport report;
    const auto error = ReadReport(text.substr(0, length), "t.json", stacks, &report);
    ASSERT_TRUE(error.has_value()) << length;
    EXPECT_EQ(error->rfind("t.json: ", 0), 0u) << *error;
  }
  // Each value (after a ':') replaced by each wrong kind of value.
  size_t fields = 0;
  for (size_t at = text.find(':'); at != std::string::npos; at = text.find(':', at + 1)) {
    for (const char* wrong : {"true", "\"x\"", "{}", "[]", "-1.5"}) {
      std::string mistyped = text.substr(0, at + 1) + wrong + "," + "\"_\":" + text.substr(at + 1);
      SharedStacks stacks;
      ProcessReport report;
      (void)ReadReport(mistyped, "t.json", stacks, &report);  // an error or not: no crash
    }
    ++fields;
  }
  EXPECT_GT(fields, 80u);
}

// A number no double holds is an unreadable report, not an exception out of the merge.
TEST(ReadReportTest, ANumberThatOverflowsIsNamed) {
  SharedStacks stacks;
  ProcessReport report;
  EXPECT_EQ(ReadReport(R"({"schema":"slab-hunter-report","version":2,"pid":1e999})", "/app/r.json",
                       stacks, &report),
            "/app/r.json: not a report (number overflow parsing '1e999')");
}

// kReport's settings as a sampled process's would be.
std::string WithSettings(const std::string& settings) {
  std::string report = kReport;
  const std::string exact = R"("stackDepth":10})";
  report.replace(report.find(exact), exact.size(), R"("stackDepth":10,)" + settings + "}");
  return report;
}

TEST(ReadReportTest, ASampledReportNeedsItsIntervalsAndAnInterval) {
  SharedStacks stacks;
  ProcessReport report;
  EXPECT_EQ(ReadReport(WithSettings(R"("sampleIntervalBytes":65536,"sampleSeed":"1")"), "/app/r.json",
                       stacks, &report),
            "/app/r.json: bigBufferLeaks[0].interval95: missing (the report was sampled)");
  EXPECT_EQ(ReadReport(WithSettings(R"("sampleIntervalBytes":0.5,"sampleSeed":"1")"), "/app/r.json",
                       stacks, &report),
            "/app/r.json: settings.sampleIntervalBytes: expected null or a mean interval of at least "
            "1 byte, got 0.5");
  EXPECT_EQ(ReadReport(WithSettings(R"("sampleIntervalBytes":null)"), "/app/r.json", stacks, &report),
            std::nullopt);
}

}  // namespace
}  // namespace slab_hunter
