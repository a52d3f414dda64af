#include "tracker/embedder/command_line.h"

#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

using Args = std::vector<std::string>;

TEST(SplitNodeCommandLineTest, PreloadsLeaveNodeArgvButStayInExecArgs) {
  const Args argv = {"bin", "--no-warnings", "-r", "a.js", "--require=b.js", "--require", "c.js",
                     "main.js", "-r", "x"};
  const SplitCommandLine split = SplitNodeCommandLine(argv, nullptr);
  EXPECT_THAT(split.node_argv, ElementsAre("bin", "--no-warnings", "main.js", "-r", "x"));
  EXPECT_THAT(split.preloads, ElementsAre("a.js", "b.js", "c.js"));
  EXPECT_FALSE(split.node_options.has_value());
  // Node found one exec arg (--no-warnings): the original ones are all options before main.js.
  EXPECT_THAT(OriginalExecArgs(argv, split, 1),
              ElementsAre("--no-warnings", "-r", "a.js", "--require=b.js", "--require", "c.js"));
}

TEST(SplitNodeCommandLineTest, ValuesOfOptionsAreNotMistakenForOptionsOrScripts) {
  const Args argv = {"bin", "--title", "-r", "-e", "code", "-r", "p.js", "--input-type", "module"};
  const SplitCommandLine split = SplitNodeCommandLine(argv, nullptr);
  EXPECT_THAT(split.preloads, ElementsAre("p.js"));
  EXPECT_THAT(split.node_argv,
              ElementsAre("bin", "--title", "-r", "-e", "code", "--input-type", "module"));
}

TEST(SplitNodeCommandLineTest, PrintTakesCodeOnlyWhenItIsNotAnOption) {
  EXPECT_THAT(SplitNodeCommandLine({"bin", "-p", "1+1", "-r", "a"}, nullptr).preloads,
              ElementsAre("a"));
  EXPECT_THAT(SplitNodeCommandLine({"bin", "-p", "-r", "a", "-e", "1"}, nullptr).preloads,
              ElementsAre("a"));
}

TEST(SplitNodeCommandLineTest, DoubleDashAndScriptEndTheOptions) {
  const SplitCommandLine split = SplitNodeCommandLine({"bin", "--", "-r", "a"}, nullptr);
  EXPECT_TRUE(split.preloads.empty());
  EXPECT_THAT(split.node_argv, ElementsAre("bin", "--", "-r", "a"));
  EXPECT_TRUE(SplitNodeCommandLine({"bin", "app.js", "--slab-hunter"}, nullptr).hunt_flags.empty());
}

TEST(SplitNodeCommandLineTest, MissingPreloadValueIsLeftForNodeToReport) {
  const SplitCommandLine split = SplitNodeCommandLine({"bin", "-r"}, nullptr);
  EXPECT_TRUE(split.preloads.empty());
  EXPECT_THAT(split.node_argv, ElementsAre("bin", "-r"));
}

TEST(SplitNodeCommandLineTest, HuntFlagsLeaveNodeArgvAndExecArgs) {
  const Args argv = {"bin", "--slab-hunter", "--slab-hunter-report", "r.json",
                     "--slab-hunter-fail-on-big=1MB", "--expose-gc", "app.js"};
  const SplitCommandLine split = SplitNodeCommandLine(argv, nullptr);
  EXPECT_THAT(split.node_argv, ElementsAre("bin", "--expose-gc", "app.js"));
  EXPECT_THAT(split.hunt_flags,
              ElementsAre(Pair("--slab-hunter", std::nullopt),
                          Pair("--slab-hunter-report", std::optional<std::string>("r.json")),
                          Pair("--slab-hunter-fail-on-big", std::optional<std::string>("1MB"))));
  EXPECT_THAT(OriginalExecArgs(argv, split, 1), ElementsAre("--expose-gc"));
}

TEST(SplitNodeCommandLineTest, NodeOptionsPreloadsComeFirstAndAreTakenOut) {
  const SplitCommandLine split = SplitNodeCommandLine(
      {"bin", "-r", "cli.js", "app.js"}, "--max-http-header-size 9000 -r \"my env.js\" --no-deprecation");
  EXPECT_THAT(split.preloads, ElementsAre("my env.js", "cli.js"));
  EXPECT_EQ(split.node_options, "--max-http-header-size 9000 --no-deprecation");
}

TEST(SplitNodeCommandLineTest, NodeOptionsWithoutPreloadsIsLeftAsWritten) {
  EXPECT_EQ(SplitNodeCommandLine({"bin"}, "  --no-warnings  ").node_options, "  --no-warnings  ");
  // Malformed: Node reports it; nothing is taken out.
  const SplitCommandLine malformed = SplitNodeCommandLine({"bin"}, "-r \"a.js");
  EXPECT_EQ(malformed.node_options, "-r \"a.js");
  EXPECT_TRUE(malformed.preloads.empty());
}

TEST(TokenizeNodeOptionsTest, QuotesAndEscapesAsNode) {
  std::vector<std::string> tokens;
  EXPECT_EQ(TokenizeNodeOptions("a  \"b c\" \"d\\\"e\" f\\g", &tokens), std::nullopt);
  EXPECT_THAT(tokens, ElementsAre("a", "b c", "d\"e", "f\\g"));
}

TEST(TokenizeNodeOptionsTest, MalformedValuesAreRefusedWithNodesWords) {
  std::vector<std::string> tokens;
  EXPECT_EQ(TokenizeNodeOptions("--title \"x", &tokens), "unterminated string");
  EXPECT_EQ(TokenizeNodeOptions("--title \"x\\", &tokens), "invalid escape");
}

TEST(SplitNodeCommandLineTest, EscapedQuotesInNodeOptionsAreNotMalformed) {
  const SplitCommandLine split = SplitNodeCommandLine({"bin"}, "--title \"a\\\"b\" -r p.js");
  EXPECT_THAT(split.preloads, ElementsAre("p.js"));
  EXPECT_EQ(split.node_options, "--title \"a\\\"b\"");
}

TEST(ReadHuntSettingsTest, MalformedHuntOptionsAreRefusedAsNodeRefusesNodeOptions) {
  HuntSettings settings;
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin"}, nullptr), "--slab-hunter-report \"x",
                             &settings),
            "invalid value for SLAB_HUNTER_OPTIONS (unterminated string)");
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin"}, nullptr), "\"--slab-hunter\\",
                             &settings),
            "invalid value for SLAB_HUNTER_OPTIONS (invalid escape)");
}

TEST(ReadHuntSettingsTest, ASeparateValueIsNeverAnOption) {
  HuntSettings settings;
  const std::string expected =
      "--slab-hunter-report: missing value (the next argument '-e' is an option; write "
      "--slab-hunter-report=-e if that is the value)";
  const SplitCommandLine split =
      SplitNodeCommandLine({"bin", "--slab-hunter-report", "-e", "1"}, nullptr);
  EXPECT_EQ(ReadHuntSettings(split, nullptr, &settings), expected);
  // Node must not run the program meanwhile: -e stays Node's.
  EXPECT_THAT(split.node_argv, ElementsAre("bin", "-e", "1"));
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin"}, nullptr), "--slab-hunter-report -e",
                             &settings),
            expected);
  // "-" alone is a value: stderr.
  HuntSettings to_stderr;
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin", "--slab-hunter-report", "-", "app.js"},
                                                  nullptr),
                             nullptr, &to_stderr),
            std::nullopt);
  EXPECT_THAT(to_stderr.report_paths, ElementsAre("-"));
}

TEST(ReadHuntSettingsTest, ASeparateReportValueIsNeverAScript) {
  // `--slab-hunter-report app.js` would make app.js the report, created empty at start.
  for (const char* script : {"app.js", "lib/app.mjs", "app.cjs", "app.ts", "app.mts", "app.cts"}) {
    HuntSettings settings;
    const SplitCommandLine split =
        SplitNodeCommandLine({"bin", "--slab-hunter-report", script}, nullptr);
    EXPECT_EQ(ReadHuntSettings(split, nullptr, &settings),
              std::string("--slab-hunter-report: '") + script +
                  "' is a script, not a report (write --slab-hunter-report=" + script +
                  " if that is the report's name)");
    EXPECT_THAT(split.node_argv, ElementsAre("bin", script));
  }
  HuntSettings named;
  EXPECT_EQ(ReadHuntSettings(
                SplitNodeCommandLine({"bin", "--slab-hunter-report=app.js", "x.js"}, nullptr),
                nullptr, &named),
            std::nullopt);
  HuntSettings json;
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin", "--slab-hunter-report", "app.js.json",
                                                   "app.js"},
                                                  nullptr),
                             nullptr, &json),
            std::nullopt);
}

TEST(ReadHuntSettingsTest, ARelativeReportNameIsTakenFromTheStartingDirectory) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  HuntSettings settings;
  const SplitCommandLine split =
      SplitNodeCommandLine({"bin", "--slab-hunter-report=r%p.json"}, nullptr);
  ASSERT_EQ(ReadHuntSettings(split, nullptr, &settings),
            std::nullopt);
  const std::string expected = std::string(cwd) + "/r" + std::to_string(getpid()) + ".json";
  EXPECT_THAT(settings.report_paths, ElementsAre(expected));
  std::remove(expected.c_str());
}

TEST(ReadHuntSettingsTest, EveryReportNamedIsWrittenTheSameFileOnce) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  const std::string dir = ::testing::TempDir();
  HuntSettings settings;
  const SplitCommandLine split = SplitNodeCommandLine(
      {"bin", "--slab-hunter-report=r.txt", "--slab-hunter-report=" + dir + "/r.json",
       "--slab-hunter-report=-", "--slab-hunter-report", std::string(cwd) + "/r.txt", "app.js"},
      nullptr);
  ASSERT_EQ(ReadHuntSettings(split, nullptr, &settings), std::nullopt);
  EXPECT_THAT(settings.report_paths,
              ElementsAre(std::string(cwd) + "/r.txt", dir + "/r.json", "-"));
  std::remove((std::string(cwd) + "/r.txt").c_str());
  std::remove((dir + "/r.json").c_str());
}

TEST(ReadHuntSettingsTest, EnvironmentFirstThenCommandLine) {
  const SplitCommandLine split =
      SplitNodeCommandLine({"bin", "--slab-hunter-leak-cutoff=5", "app.js"}, nullptr);
  HuntSettings settings;
  EXPECT_EQ(ReadHuntSettings(split, "--slab-hunter-leak-cutoff 7 --slab-hunter-big-cutoff=2KiB",
                             &settings),
            std::nullopt);
  EXPECT_TRUE(settings.track_from_start);
  EXPECT_EQ(settings.leak_cutoff_ms, 5);
  EXPECT_EQ(settings.big_buffer_cutoff, 2048);
}

TEST(ReadHuntSettingsTest, PercentPInTheReportPathIsTheProcessId) {
  const std::string dir = ::testing::TempDir();
  HuntSettings settings;
  const SplitCommandLine split = SplitNodeCommandLine(
      {"bin", "--slab-hunter-report=" + dir + "/leaks-%p.json", "app.js"}, nullptr);
  ASSERT_EQ(ReadHuntSettings(split, nullptr, &settings), std::nullopt);
  const std::string expected = dir + "/leaks-" + std::to_string(getpid()) + ".json";
  EXPECT_THAT(settings.report_paths, ElementsAre(expected));
  // Created at once, so a bad path fails before the program runs.
  EXPECT_EQ(access(expected.c_str(), W_OK), 0);
  std::remove(expected.c_str());
}

TEST(ReadHuntSettingsTest, ErrorsNameTheFlagAndValue) {
  HuntSettings settings;
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin", "--slab-hunter-interval=soon"}, nullptr),
                             nullptr, &settings),
            "--slab-hunter-interval: invalid value 'soon' (expected milliseconds, from 1 to "
            "2147483647)");
  EXPECT_EQ(ReadHuntSettings(SplitNodeCommandLine({"bin"}, nullptr), "-r x.js", &settings),
            "SLAB_HUNTER_OPTIONS: '-r' is not a --slab-hunter option");
  EXPECT_FALSE(ReadHuntSettings(SplitNodeCommandLine({"bin"}, nullptr), nullptr, &settings));
}

}  // namespace
}  // namespace slab_hunter
