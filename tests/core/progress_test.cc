#include "tracker/core/progress.h"

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace slab_hunter {
namespace {

// Everything written to the other end of `fd` so far.
std::string Drain(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::string text;
  char buffer[256];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, n);
  return text;
}

TEST(ProgressLineTest, OnATerminalOneLineRewrittenThenCleared) {
  int controller = -1;
  int terminal = -1;
  ASSERT_EQ(openpty(&controller, &terminal, nullptr, nullptr, nullptr), 0);
  FILE* stream = fdopen(terminal, "w");
  ASSERT_NE(stream, nullptr);
  {
    ProgressLine progress(stream, "slab-hunter-node: heap check");
    progress.Update("taking a heap snapshot", 0, 200);
    progress.Update("taking a heap snapshot", 1, 200);  // still 0%: nothing new
    progress.Update("taking a heap snapshot", 101, 200);
    progress.Update("finding views", 3, 3);
  }
  std::fclose(stream);
  // The terminal turns "\n" into "\r\n"; no line is ended here, so none is turned.
  EXPECT_EQ(Drain(controller),
            "\r\033[Kslab-hunter-node: heap check: taking a heap snapshot 0%"
            "\r\033[Kslab-hunter-node: heap check: taking a heap snapshot 50%"
            "\r\033[Kslab-hunter-node: heap check: finding views 100%"
            "\r\033[K");
  close(controller);
}

TEST(ProgressLineTest, NothingWhereNoOneWatches) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  FILE* stream = fdopen(fds[1], "w");
  {
    ProgressLine progress(stream, "slab-hunter-node: heap check");
    progress.Update("taking a heap snapshot", 1, 2);
  }
  std::fclose(stream);
  EXPECT_EQ(Drain(fds[0]), "");
  close(fds[0]);
}

}  // namespace
}  // namespace slab_hunter
