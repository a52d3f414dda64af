// Reports covering several threads: entries of every thread in one list, each naming its
// thread, totals summed.
#include <string>

#include "gtest/gtest.h"
#include "tests/core/testing.h"
#include "tracker/core/report_json.h"
#include "tracker/core/report_text.h"
#include "tracker/core/thread_overview.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::MakeFrame;
using ::slab_hunter::testing::StackBuilder;

BigBufferLeak Big(StackId stack, double size) {
  BigBufferLeak leak;
  leak.stack = stack;
  leak.amount = 1;
  leak.total_size = size;
  return leak;
}

class ThreadOverviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    main_.big_buffer_leaks.push_back(Big(main_stacks_.StackOf({MakeFrame("", "/app/main.js", 3, 5)}), 50000));
    main_.total_big_buffer_leaks = 50000;
    worker_.big_buffer_leaks.push_back(
        Big(worker_stacks_.StackOf({MakeFrame("", "/app/worker.js", 9, 7)}), 327680));
    worker_.total_big_buffer_leaks = 327680;
    threads_[0] = {0, ThreadState::kRunning, &main_, &main_stacks_.frames(), &main_stacks_.stacks()};
    threads_[1] = {2, ThreadState::kEnded, &worker_, &worker_stacks_.frames(),
                   &worker_stacks_.stacks()};
    threads_[2] = {3, ThreadState::kUnanswered};
  }

  LeakOverview main_, worker_;
  StackBuilder main_stacks_, worker_stacks_;
  ThreadOverview threads_[3];
};

TEST_F(ThreadOverviewTest, TextMergesEntriesAndNamesEachOnesThread) {
  const std::string text = FormatOverview(threads_);
  EXPECT_EQ(text,
            "Big buffer potential leaks:\n"
            "1 leaks of big buffers of avg size 327.7 kB (total: 327.7 kB) at /app/worker.js:9:7\n"
            "    thread: 2\n"
            "    unreferenced: 0 B\n"
            "1 leaks of big buffers of avg size 50 kB (total: 50 kB) at /app/main.js:3:5\n"
            "    thread: 0 (main)\n"
            "    unreferenced: 0 B\n"
            "\nSlab retainers potential leaks:\n"
            "\nTotal potential big buffer leaks: 377.7 kB\n"
            "Total potential slab-retainer leaks: 0 B\n"
            "Total retained but unreferenced: 0 B (each byte counted once)");
}

TEST_F(ThreadOverviewTest, TextOfTheMainThreadAloneHasNoThreadLines) {
  EXPECT_EQ(FormatOverview(absl::MakeConstSpan(threads_, 1)),
            FormatOverview(main_, main_stacks_.frames(), main_stacks_.stacks()));
  EXPECT_EQ(FormatOverview(absl::MakeConstSpan(threads_, 1)).find("thread:"), std::string::npos);
}

TEST_F(ThreadOverviewTest, JsonNamesEachEntrysThreadAndEveryThreadsState) {
  ReportSettings settings;
  settings.budgets.big_buffer_leaks = 100000;
  const std::string json = FormatJson(threads_, settings);
  EXPECT_NE(json.find("\"totals\":{\"bigBufferLeaks\":377680,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"exceeded\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"threads\":[{\"threadId\":0,\"state\":\"running\"},"
                      "{\"threadId\":2,\"state\":\"ended\"},"
                      "{\"threadId\":3,\"state\":\"unanswered\"}]"),
            std::string::npos)
      << json;
  const size_t worker_entry = json.find("\"file\":\"/app/worker.js\",\"line\":9,\"column\":7}],"
                                        "\"threadId\":2,\"amount\":1,\"totalSize\":327680");
  const size_t main_entry = json.find("\"file\":\"/app/main.js\",\"line\":3,\"column\":5}],"
                                      "\"threadId\":0,\"amount\":1,\"totalSize\":50000");
  ASSERT_NE(worker_entry, std::string::npos) << json;
  ASSERT_NE(main_entry, std::string::npos) << json;
  EXPECT_LT(worker_entry, main_entry);
}

}  // namespace
}  // namespace slab_hunter
