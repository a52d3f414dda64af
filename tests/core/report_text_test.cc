#include "tracker/core/report_text.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/testing.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::MakeFrame;
using ::slab_hunter::testing::StackBuilder;

struct BytesCase {
  double bytes;
  const char* expected;
};

// Expected strings are what npm byte-size 9.0.1 printed under Node (en-US) for each input.
TEST(FormatBytesTest, MatchesByteSize) {
  const BytesCase cases[] = {
      {0, "0 B"},
      {1, "1 B"},
      {12.5, "12.5 B"},
      {150, "150 B"},
      {999, "999 B"},
      {999.4, "999.4 B"},
      {999.95, "1,000 B"},
      {1000, "1 kB"},
      {1049, "1 kB"},
      {1050, "1.1 kB"},
      {8092, "8.1 kB"},
      {9999, "10 kB"},
      {65536, "65.5 kB"},
      {99999, "100 kB"},
      {100000, "100 kB"},
      {809200, "809.2 kB"},
      {999949, "999.9 kB"},
      {999950, "1,000 kB"},
      {1e6, "1 MB"},
      {1.6e6, "1.6 MB"},
      {1234567, "1.2 MB"},
      {12345678, "12.3 MB"},
      {999999999, "1,000 MB"},
      {8.05e9, "8.1 GB"},
      {4.56e12, "4.6 TB"},
      {7.77e15, "7.8 PB"},
      {1.25e18, "1.3 EB"},
      {3.33e21, "3.3 ZB"},
      {1.2345678901234569e+23, "123.5 ZB"},
      {9.9999e26, "1,000 YB"},
      {1e27, "1e+27 "},
      {1.5e27, "1.5e+27 "},
      {3e300, "3e+300 "},
      {1.7976931348623157e308, "1.7976931348623157e+308 "},
  };
  for (const BytesCase& c : cases) {
    EXPECT_EQ(FormatBytes(c.bytes), c.expected) << "bytes = " << c.bytes;
  }
}

// Intl rounds the shortest decimal form half away from zero, not the binary value: 0.15 is
// stored just below 0.15 yet prints as 0.2.
TEST(FormatBytesTest, RoundsTheDecimalHalfAwayFromZero) {
  const BytesCase cases[] = {
      {0.04, "0 B"},   {0.05, "0.1 B"}, {0.15, "0.2 B"},   {0.25, "0.3 B"},
      {0.35, "0.4 B"}, {0.45, "0.5 B"}, {0.95, "1 B"},     {1.05, "1.1 B"},
      {1.35, "1.4 B"}, {1.45, "1.5 B"}, {2.675, "2.7 B"},  {4.45, "4.5 B"},
      {123.45, "123.5 B"}, {1e-7, "0 B"}, {5e-324, "0 B"},
  };
  for (const BytesCase& c : cases) {
    EXPECT_EQ(FormatBytes(c.bytes), c.expected) << "bytes = " << c.bytes;
  }
}

TEST(FormatBytesTest, NegativeGetsLeadingMinus) {
  EXPECT_EQ(FormatBytes(-8092), "-8.1 kB");
  EXPECT_EQ(FormatBytes(-999950), "-1,000 kB");
  EXPECT_EQ(FormatBytes(-0.01), "-0 B");
  EXPECT_EQ(FormatBytes(-1e27), "-1e+27 ");
}

class FormatOverviewTest : public ::testing::Test {
 protected:
  StackId StackOf(const std::vector<Frame>& innermost_first) {
    return builder_.StackOf(innermost_first);
  }

  StackBuilder builder_;
  const FrameTable& frames_ = builder_.frames();
  const StackTree& stacks_ = builder_.stacks();
};

TEST_F(FormatOverviewTest, Empty) {
  EXPECT_EQ(FormatOverview(LeakOverview(), frames_, stacks_),
            "Big buffer potential leaks:\n"
            "\n"
            "Slab retainers potential leaks:\n"
            "\n"
            "Total potential big buffer leaks: 0 B\n"
            "Total potential slab-retainer leaks: 0 B\n"
            "Total retained but unreferenced: 0 B (each byte counted once)");
}

TEST_F(FormatOverviewTest, SmallOverview) {
  const StackId big = StackOf({MakeFrame("makeBig", "/app/big.js", 3, 17),
                               MakeFrame("main", "/app/index.js", 10, 1)});
  const StackId slab = StackOf({MakeFrame("Reader", "/app/slab.js", 5, 9, true)});

  LeakOverview overview;
  overview.big_buffer_leaks.push_back({{big, 10}, 100000});
  overview.big_buffer_leaks.back().retainers = {{slab, 10, 160}};
  overview.big_buffer_leaks.back().unreferenced_bytes = 99840;
  overview.big_buffer_leaks.back().hint = FixHint::kCopyOut;
  overview.big_buffer_leaks.push_back({{kNoStack, 1}, 4500});
  overview.big_buffer_leaks.back().retainers = {{big, 1, 4500}};
  overview.slab_leaks.push_back({{slab, 10}, 80920, 80920});
  overview.slab_leaks.back().retainers = {{slab, 10, 1000}, {kNoStack, 1, 50}};
  overview.slab_leaks.back().unreferenced_bytes = 80870;
  overview.slab_leaks.back().hint = FixHint::kAllocUnsafeSlow;
  overview.slab_leaks.push_back({{big, 2}, 16184, 8092});
  overview.slab_leaks.back().unreferenced_bytes = 8092;
  overview.slab_leaks.back().hint = FixHint::kUnslab;
  overview.total_big_buffer_leaks = 104500;
  overview.total_slab_leaks = 89012;
  overview.total_unreferenced_bytes = 188802;

  EXPECT_EQ(FormatOverview(overview, frames_, stacks_),
            "Big buffer potential leaks:\n"
            "10 leaks of big buffers of avg size 10 kB (total: 100 kB) "
            "at makeBig (/app/big.js:3:17)\n    at main (/app/index.js:10:1)\n"
            // What the entry really holds comes first: the seed's averages can mislead.
            "    unreferenced: 99.8 kB\n"
            "    retained by 10 view(s) of 160 B at new Reader (/app/slab.js:5:9)\n"
            "    fix: copy the part you keep out of the big buffer: Buffer.from(view), so the "
            "rest can be freed\n"
            "1 leaks of big buffers of avg size 4.5 kB (total: 4.5 kB) at <native>\n"
            "    unreferenced: 0 B\n"
            // Only the retainer's first frame: the line that made the views.
            "    retained by 1 view(s) of 4.5 kB at makeBig (/app/big.js:3:17)\n"
            "\n"
            "Slab retainers potential leaks:\n"
            "10 leaks of avg 8.1 kB (total: 80.9 kB normalised against retainers) "
            "at new Reader (/app/slab.js:5:9)\n"
            "    unreferenced: 80.9 kB\n"
            "    retained by 10 view(s) of 1 kB at new Reader (/app/slab.js:5:9)\n"
            "    retained by 1 view(s) of 50 B at <native>\n"
            "    fix: allocate long-lived buffers with Buffer.allocUnsafeSlow(), which does not "
            "use the shared pool\n"
            "2 leaks of avg 8.1 kB (total: 8.1 kB normalised against retainers) "
            "at makeBig (/app/big.js:3:17)\n    at main (/app/index.js:10:1)\n"
            "    unreferenced: 8.1 kB\n"
            "    fix: copy long-lived buffers out of the shared pool "
            "(Buffer.allocUnsafeSlow(n) + copy, or the unslab package)\n"
            "\n"
            "Total potential big buffer leaks: 104.5 kB\n"
            "Total potential slab-retainer leaks: 89 kB\n"
            "Total retained but unreferenced: 188.8 kB (each byte counted once)");
}

// 3000 views at one site, each on a 64 KiB store shared by 50 of them (60 stores): the seed's
// line says "avg 65.4 kB" per leak, while the entry holds 3.8 MB. That comes right under it.
TEST_F(FormatOverviewTest, WhatTheEntryHoldsIsTheFirstLineUnderTheSeedLine) {
  const StackId site = StackOf({MakeFrame("parse", "/app/parse.js", 7, 21),
                                MakeFrame("main", "/app/index.js", 2, 1)});
  LeakOverview overview;
  SlabLeak entry;
  entry.stack = site;
  entry.amount = 3000;
  entry.total_leaked_bytes = 3000.0 * (65536 - 100);
  entry.normalised_total_leaked_bytes = 3000.0 * (65536 - 100) / 50;
  entry.retainers = {{site, 3000, 300000}};
  entry.unreferenced_bytes = 60.0 * 65536 - 300000;
  overview.slab_leaks.push_back(entry);
  const std::string text = FormatOverview(overview, frames_, stacks_);
  EXPECT_NE(text.find("\n3000 leaks of avg 65.4 kB (total: 3.9 MB normalised against retainers) "
                      "at parse (/app/parse.js:7:21)\n    at main (/app/index.js:2:1)\n"
                      "    unreferenced: 3.6 MB\n"
                      "    retained by 3000 view(s) of 300 kB at parse (/app/parse.js:7:21)\n"),
            std::string::npos)
      << text;
}

// A slab entry's unreferenced bytes are its share of each store's: a 2000-byte store behind
// three 10-byte views gives each view's entry 1970 / 3 bytes. The seed's own figures keep
// byte-size's decimals; the lines this tracker adds say whole bytes.
TEST_F(FormatOverviewTest, UnreferencedBytesAreWhole) {
  LeakOverview overview;
  SlabLeak entry;
  entry.stack = StackOf({MakeFrame("keep", "/app/keep.js", 1, 1)});
  entry.amount = 1;
  entry.total_leaked_bytes = 1990;
  entry.normalised_total_leaked_bytes = 1990.0 / 3;
  entry.unreferenced_bytes = 1970.0 / 3;
  overview.slab_leaks.push_back(entry);
  const std::string text = FormatOverview(overview, frames_, stacks_);
  EXPECT_NE(text.find("1 leaks of avg 2 kB (total: 663.3 B normalised against retainers) "
                      "at keep (/app/keep.js:1:1)\n    unreferenced: 657 B\n"),
            std::string::npos)
      << text;
}

class RetainerCutOffTest : public FormatOverviewTest {
 protected:
  // One slab entry with `sites` retainers, site i at /app/r.js line i + 1, bytes descending.
  std::string FormatWithRetainers(int sites) {
    LeakOverview overview;
    SlabLeak entry;
    entry.stack = StackOf({MakeFrame("keep", "/app/keep.js", 1, 1)});
    entry.amount = 1;
    for (int i = 0; i < sites; ++i) {
      const StackId site = StackOf({MakeFrame("", "/app/r.js", i + 1, 5)});
      entry.retainers.push_back({site, 1, 100.0 - i});
    }
    overview.slab_leaks.push_back(entry);
    return FormatOverview(overview, frames_, stacks_);
  }
  static std::string RetainerLine(int i) {
    return "    retained by 1 view(s) of " + FormatBytes(100.0 - i) + " at /app/r.js:" +
           std::to_string(i + 1) + ":5\n";
  }
};

TEST_F(RetainerCutOffTest, FiveRetainersAreAllShown) {
  std::string lines;
  for (int i = 0; i < 5; ++i) lines += RetainerLine(i);
  const std::string text = FormatWithRetainers(5);
  EXPECT_NE(text.find("at keep (/app/keep.js:1:1)\n    unreferenced: 0 B\n" + lines),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("more retainer sites"), std::string::npos);
}

TEST_F(RetainerCutOffTest, PastFiveTheRestAreCounted) {
  std::string lines;
  for (int i = 0; i < 5; ++i) lines += RetainerLine(i);
  const std::string text = FormatWithRetainers(7);
  EXPECT_NE(text.find("at keep (/app/keep.js:1:1)\n    unreferenced: 0 B\n" + lines +
                      "    ... and 2 more retainer sites\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(RetainerLine(5)), std::string::npos);
}

}  // namespace
}  // namespace slab_hunter
