#include "tracker/core/report_text.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

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
    std::vector<FrameId> ids;
    for (const Frame& frame : innermost_first) {
      const FramePosition position{next_script_id_++, frame.line, frame.column};
      ids.push_back(frames_.Intern(position, [&] { return frame; }));
    }
    return stacks_.Intern(ids);
  }
  static Frame MakeFrame(std::string function, std::string script, int line, int column,
                         bool is_constructor = false) {
    Frame frame;
    frame.function = std::move(function);
    frame.script = std::move(script);
    frame.line = line;
    frame.column = column;
    frame.is_constructor = is_constructor;
    return frame;
  }

  FrameTable frames_;
  StackTree stacks_;
  int next_script_id_ = 1;
};

TEST_F(FormatOverviewTest, Empty) {
  EXPECT_EQ(FormatOverview(LeakOverview(), frames_, stacks_),
            "Big buffer potential leaks:\n"
            "\n"
            "Slab retainers potential leaks:\n"
            "\n"
            "Total potential big buffer leaks: 0 B\n"
            "Total potential slab-retainer leaks: 0 B");
}

TEST_F(FormatOverviewTest, SmallOverview) {
  const StackId big = StackOf({MakeFrame("makeBig", "/app/big.js", 3, 17),
                               MakeFrame("main", "/app/index.js", 10, 1)});
  const StackId slab = StackOf({MakeFrame("Reader", "/app/slab.js", 5, 9, true)});

  LeakOverview overview;
  overview.big_buffer_leaks.push_back({big, 10, 100000});
  overview.big_buffer_leaks.push_back({kNoStack, 1, 4500});
  overview.slab_leaks.push_back({slab, 10, 80920, 80920});
  overview.slab_leaks.push_back({big, 2, 16184, 8092});
  overview.total_big_buffer_leaks = 104500;
  overview.total_slab_leaks = 89012;

  EXPECT_EQ(FormatOverview(overview, frames_, stacks_),
            "Big buffer potential leaks:\n"
            "10 leaks of big buffers of avg size 10 kB (total: 100 kB) "
            "at makeBig (/app/big.js:3:17)\n    at main (/app/index.js:10:1)\n"
            "1 leaks of big buffers of avg size 4.5 kB (total: 4.5 kB) at <native>\n"
            "\n"
            "Slab retainers potential leaks:\n"
            "10 leaks of avg 8.1 kB (total: 80.9 kB normalised against retainers) "
            "at new Reader (/app/slab.js:5:9)\n"
            "2 leaks of avg 8.1 kB (total: 8.1 kB normalised against retainers) "
            "at makeBig (/app/big.js:3:17)\n    at main (/app/index.js:10:1)\n"
            "\n"
            "Total potential big buffer leaks: 104.5 kB\n"
            "Total potential slab-retainer leaks: 89 kB");
}

}  // namespace
}  // namespace slab_hunter
