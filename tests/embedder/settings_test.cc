#include "tracker/v8/settings.h"

#include <csignal>
#include <string>

#include <unistd.h>

#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

TEST(ParseByteSizeTest, PlainBytesAndSuffixes) {
  EXPECT_EQ(ParseByteSize("50000"), 50000);
  EXPECT_EQ(ParseByteSize("0"), 0);
  EXPECT_EQ(ParseByteSize("64KiB"), 65536);
  EXPECT_EQ(ParseByteSize("1MiB"), 1048576);
  EXPECT_EQ(ParseByteSize("1.5MB"), 1500000);
  EXPECT_EQ(ParseByteSize("8kB"), 8000);
  EXPECT_EQ(ParseByteSize("2GB"), 2e9);
  EXPECT_EQ(ParseByteSize("12B"), 12);
}

TEST(ParseByteSizeTest, RejectsWhatIsNotASize) {
  for (const char* bad : {"", "-1", "+5", "1.5", "abc", "12XB", "KiB", "1e3", "1 MB", "nan", "inf"}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
}

TEST(ApplyHuntFlagTest, EveryFlagSetsItsSettingAndImpliesTracking) {
  HuntSettings settings;
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-leak-cutoff", "250.5", &settings));
  EXPECT_TRUE(settings.track_from_start);
  EXPECT_EQ(settings.leak_cutoff_ms, 250.5);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-big-cutoff", "8KiB", &settings));
  EXPECT_EQ(settings.big_buffer_cutoff, 8192);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-stack-depth", "4", &settings));
  EXPECT_EQ(settings.stack_depth, 4);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-interval", "1000", &settings));
  EXPECT_EQ(settings.interval_ms, 1000);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-report", "-", &settings));
  EXPECT_EQ(settings.report_paths, std::vector<std::string>({"-"}));
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-show-internals", std::nullopt, &settings));
  EXPECT_TRUE(settings.show_internals);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-fail-on-big", "50000", &settings));
  EXPECT_EQ(settings.fail_on_big, 50000);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-fail-on-slab", "1MB", &settings));
  EXPECT_EQ(settings.fail_on_slab, 1e6);
  EXPECT_EQ(settings.timeline_ms, 1000);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-timeline", "20", &settings));
  EXPECT_EQ(settings.timeline_ms, 20);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-timeline", "0", &settings));
  EXPECT_EQ(settings.timeline_ms, 0);
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-timeline", "0.5", &settings),
            "--slab-hunter-timeline: invalid value '0.5' (expected milliseconds, from 1 to "
            "2147483647, or 0 for no timeline)");
  EXPECT_EQ(settings.fail_on_growth, -1);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-fail-on-growth", "1MiB", &settings));
  EXPECT_EQ(settings.fail_on_growth, 1048576);
  EXPECT_EQ(settings.sample_interval, 0);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample-bytes", "64KiB", &settings));
  EXPECT_EQ(settings.sample_interval, 65536);
  // The switch keeps an interval given; alone, it turns the default one on.
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample", std::nullopt, &settings));
  EXPECT_EQ(settings.sample_interval, 65536);
  HuntSettings by_default;
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample", std::nullopt, &by_default));
  EXPECT_EQ(by_default.sample_interval, kDefaultSampleInterval);
  EXPECT_EQ(settings.sample_seed, std::nullopt);
  HuntSettings seeded;
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample-seed", "3", &seeded));
  EXPECT_EQ(seeded.sample_interval, kDefaultSampleInterval);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample-seed", "18446744073709551615", &settings));
  EXPECT_EQ(settings.sample_seed, 18446744073709551615u);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-verify-stacks", std::nullopt, &settings));
  EXPECT_TRUE(settings.verify_stack_cache);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-verify-heap", std::nullopt, &settings));
  EXPECT_TRUE(settings.verify_heap);
  HuntSettings plain;
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter", std::nullopt, &plain));
  EXPECT_TRUE(plain.track_from_start);
  EXPECT_EQ(plain.fail_on_big, -1);
}

TEST(ApplyHuntFlagTest, BadValuesAreNamed) {
  HuntSettings settings;
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-stack-depth", "65", &settings),
            "--slab-hunter-stack-depth: invalid value '65' (expected a whole number of frames "
            "from 1 to 64)");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-leak-cutoff", std::nullopt, &settings),
            "--slab-hunter-leak-cutoff: missing value");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter", "1", &settings),
            "--slab-hunter: takes no value (got '1')");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample-bytes", "0", &settings),
            "--slab-hunter-sample-bytes: invalid value '0' (expected a mean sampling interval "
            "from 1 byte to 1TiB, e.g. 256KiB, 1MB)");
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample-bytes", "1TiB", &settings));
  EXPECT_EQ(settings.sample_interval, 1024.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample-bytes", "2TiB", &settings),
            "--slab-hunter-sample-bytes: invalid value '2TiB' (expected a mean sampling interval "
            "from 1 byte to 1TiB, e.g. 256KiB, 1MB)");
  // Gone, with or without a value.
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample-rate", std::nullopt, &settings),
            "--slab-hunter-sample-rate: gone: sampling is by bytes now, --slab-hunter-sample or "
            "--slab-hunter-sample-bytes=<mean interval>");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample-seed", "-1", &settings),
            "--slab-hunter-sample-seed: invalid value '-1' (expected a whole number from 0 to "
            "18446744073709551615)");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample", "1", &settings),
            "--slab-hunter-sample: takes no value (got '1')");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample-rate", "16", &settings),
            "--slab-hunter-sample-rate: gone: sampling is by bytes now, --slab-hunter-sample or "
            "--slab-hunter-sample-bytes=<mean interval>");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-verify-stacks", "yes", &settings),
            "--slab-hunter-verify-stacks: takes no value (got 'yes')");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-verbose", "1", &settings),
            "--slab-hunter-verbose: unknown option");
}

TEST(ApplyHuntFlagTest, IntervalFitsNodesTimers) {
  HuntSettings settings;
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-interval", "2147483647", &settings));
  EXPECT_EQ(settings.interval_ms, 2147483647);
  // Node's timers would turn a longer one into 1 ms.
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-interval", "2147483648", &settings),
            "--slab-hunter-interval: invalid value '2147483648' (expected milliseconds, from 1 to "
            "2147483647)");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-interval", "0.5", &settings),
            "--slab-hunter-interval: invalid value '0.5' (expected milliseconds, from 1 to "
            "2147483647)");
}

TEST(ApplyHuntFlagTest, ReportNameTakesPercentPAndPercentPercent) {
  HuntSettings settings;
  const std::string pid = std::to_string(getpid());
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-report", "100%%-%p-%%p.json", &settings));
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-report", "-", &settings));
  // Repeatable: each report named, in order.
  EXPECT_EQ(settings.report_paths, std::vector<std::string>({"100%-" + pid + "-%p.json", "-"}));
  for (const char* bad : {"r%d.json", "r%", "%", ""}) {
    EXPECT_EQ(ApplyHuntFlag("--slab-hunter-report", bad, &settings),
              std::string("--slab-hunter-report: invalid value '") + bad +
                  "' (expected a file name, or - for stderr; in the name, %p is the process id "
                  "and %% is %)");
  }
}

TEST(ApplyHuntFlagTest, ReportSignalIsOneThatNothingElseNeeds) {
  HuntSettings settings;
  EXPECT_EQ(settings.report_signal, 0);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-report-signal", "SIGUSR2", &settings));
  EXPECT_EQ(settings.report_signal, SIGUSR2);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-report-signal", "SIGHUP", &settings));
  EXPECT_EQ(settings.report_signal, SIGHUP);
  for (const char* bad : {"SIGINT", "SIGTERM", "SIGKILL", "SIGSTOP", "SIGUSR1", "SIGPROF",
                          "SIGCHLD", "SIGPIPE", "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT",
                          "SIGTRAP", "SIGSYS", "USR2", "12", "sigusr2", "SIGFOO", ""}) {
    EXPECT_EQ(ApplyHuntFlag("--slab-hunter-report-signal", bad, &settings),
              std::string("--slab-hunter-report-signal: invalid value '") + bad +
                  "' (expected a signal name such as SIGUSR2; not SIGINT or SIGTERM, which end "
                  "the run with the report, nor SIGKILL, SIGSTOP, SIGUSR1, SIGPROF, SIGCHLD, "
                  "SIGPIPE or a fault signal, which Node or the system needs)");
  }
  EXPECT_EQ(settings.report_signal, SIGHUP);
}

}  // namespace
}  // namespace slab_hunter
