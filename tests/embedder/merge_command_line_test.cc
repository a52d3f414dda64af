#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tracker/embedder/command_line.h"

namespace slab_hunter {
namespace {

using ::testing::ElementsAre;
using Args = std::vector<std::string>;

TEST(MergeCommandLineTest, AMergeIsAskedForAmongTheLeadingHuntFlags) {
  EXPECT_TRUE(IsMergeCommandLine({"bin", "--slab-hunter-merge", "a.json"}));
  EXPECT_TRUE(IsMergeCommandLine({"bin", "--slab-hunter-report", "m.json", "--slab-hunter-merge"}));
  EXPECT_TRUE(IsMergeCommandLine({"bin", "--slab-hunter-fail-on-big=1MB", "--slab-hunter-merge"}));
  // A script's own argument, or the value of a report flag, is no merge.
  EXPECT_FALSE(IsMergeCommandLine({"bin", "app.js", "--slab-hunter-merge"}));
  EXPECT_FALSE(IsMergeCommandLine({"bin", "--no-warnings", "--slab-hunter-merge"}));
  EXPECT_FALSE(IsMergeCommandLine({"bin", "--slab-hunter", "app.js"}));
  EXPECT_FALSE(IsMergeCommandLine({"bin"}));
}

TEST(MergeCommandLineTest, FlagsAndReportsInAnyOrder) {
  MergeCommandLine merge;
  ASSERT_EQ(ReadMergeCommandLine({"bin", "--slab-hunter-merge", "a.json",
                                  "--slab-hunter-fail-on-big", "1kB", "b.json",
                                  "--slab-hunter-fail-on-growth=64KiB",
                                  "--slab-hunter-fail-on-slab=5", "--slab-hunter-report", "m.json",
                                  "--slab-hunter-show-internals", "--slab-hunter-report=m.txt",
                                  "--", "--c.json"},
                                 &merge),
            std::nullopt);
  EXPECT_THAT(merge.reports, ElementsAre("a.json", "b.json", "--c.json"));
  EXPECT_EQ(merge.settings.fail_on_big, 1000);
  EXPECT_EQ(merge.settings.fail_on_slab, 5);
  EXPECT_EQ(merge.settings.fail_on_growth, 65536);
  EXPECT_THAT(merge.settings.report_paths, ElementsAre("m.json", "m.txt"));
  EXPECT_TRUE(merge.settings.show_internals);
}

TEST(MergeCommandLineTest, ErrorsNameTheFlag) {
  const std::string usage =
      "usage: slab-hunter-node --slab-hunter-merge [--slab-hunter-report=<file>] "
      "[--slab-hunter-fail-on-big=<bytes>] [--slab-hunter-fail-on-slab=<bytes>] "
      "[--slab-hunter-fail-on-growth=<bytes>] [--slab-hunter-show-internals] <report.json>...";
  auto error = [](const Args& argv) {
    MergeCommandLine merge;
    return ReadMergeCommandLine(argv, &merge).value_or("(no error)");
  };
  EXPECT_EQ(error({"bin", "--slab-hunter-merge"}),
            "--slab-hunter-merge: no report to merge (" + usage + ")");
  EXPECT_EQ(error({"bin", "--slab-hunter-merge=1", "a.json"}),
            "--slab-hunter-merge: takes no value (got '1')");
  EXPECT_EQ(error({"bin", "--slab-hunter-merge", "--slab-hunter-interval=5", "a.json"}),
            "--slab-hunter-merge: '--slab-hunter-interval=5' is not an option of a merge (" +
                usage + ")");
  EXPECT_EQ(error({"bin", "--slab-hunter-merge", "-x", "a.json"}),
            "--slab-hunter-merge: '-x' is not an option of a merge (" + usage + ")");
  EXPECT_EQ(error({"bin", "--slab-hunter-merge", "--slab-hunter-fail-on-big=lots", "a.json"}),
            "--slab-hunter-fail-on-big: invalid value 'lots' (expected a size in bytes, e.g. "
            "50000, 64KiB, 1MB)");
  EXPECT_EQ(error({"bin", "--slab-hunter-merge", "--slab-hunter-report", "-x", "a.json"}),
            "--slab-hunter-report: missing value (the next argument '-x' is an option; write "
            "--slab-hunter-report=-x if that is the value)");
}

}  // namespace
}  // namespace slab_hunter
