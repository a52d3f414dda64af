#include "tracker/core/report_files.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/report_text.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::MakeFrame;
using ::slab_hunter::testing::StackBuilder;

TEST(FormatBudgetVerdictTest, TheLinesOfEachBudgetExceeded) {
  StackBuilder builder;
  LeakOverview overview;
  overview.big_buffer_leaks.push_back({{builder.StackOf({MakeFrame("", "/app/a.js", 5, 24)}), 2}});
  overview.big_buffer_leaks[0].total_size = 20000;
  overview.big_buffer_leaks[0].growth = {GrowthVerdict::kGrowing, 120000};
  overview.total_big_buffer_leaks = 20000;
  overview.total_slab_leaks = 99.25;
  const ThreadOverview thread{0, ThreadState::kRunning, &overview, &builder.frames(),
                              &builder.stacks()};
  const absl::Span<const ThreadOverview> threads(&thread, 1);
  ReportSettings settings;
  Budgets& budgets = settings.budgets;
  EXPECT_EQ(FormatBudgetVerdict(CheckBudgets(threads, budgets), threads, settings), "");
  budgets.growth = 1000.5;
  budgets.slab_leaks = 99;
  EXPECT_EQ(FormatBudgetVerdict(CheckBudgets(threads, budgets), threads, settings),
            "slab-hunter-node: growth budget exceeded (1001 bytes per minute): growing sites:\n"
            "  +120 kB/min big buffers at /app/a.js:5:24\n"
            "slab-hunter-node: leak budget exceeded (big-buffer leaks 20000 bytes, budget none; "
            "slab leaks 100 bytes, budget 99 bytes)\n" +
                FormatReport(ReportFormat::kText, threads, settings) + "\n");
  overview.big_buffer_leaks[0].growth = {};
  budgets.slab_leaks.reset();
  EXPECT_EQ(FormatBudgetVerdict(CheckBudgets(threads, budgets), threads, settings),
            "slab-hunter-node: growth budget not checked: no site has a growth verdict (a "
            "verdict needs 8 points of the timeline: run longer, or set a shorter "
            "--slab-hunter-timeline)\n");
}

}  // namespace
}  // namespace slab_hunter
