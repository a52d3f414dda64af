#include "tracker/v8/settings.h"

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
  EXPECT_EQ(settings.report_path, "-");
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-fail-on-big", "50000", &settings));
  EXPECT_EQ(settings.fail_on_big, 50000);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-fail-on-slab", "1MB", &settings));
  EXPECT_EQ(settings.fail_on_slab, 1e6);
  EXPECT_FALSE(ApplyHuntFlag("--slab-hunter-sample-rate", "16", &settings));
  EXPECT_EQ(settings.sample_rate, 16);
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
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-sample-rate", "0", &settings),
            "--slab-hunter-sample-rate: invalid value '0' (expected a whole number >= 1: track "
            "one Buffer call in that many)");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-verify-stacks", "yes", &settings),
            "--slab-hunter-verify-stacks: takes no value (got 'yes')");
  EXPECT_EQ(ApplyHuntFlag("--slab-hunter-verbose", "1", &settings),
            "--slab-hunter-verbose: unknown option");
}

}  // namespace
}  // namespace slab_hunter
