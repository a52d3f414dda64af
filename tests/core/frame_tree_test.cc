#include "tracker/core/frame_tree.h"

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/testing.h"

namespace slab_hunter {
namespace {

using ::slab_hunter::testing::MakeFrame;
using ::slab_hunter::testing::StackBuilder;

TEST(FrameTableTest, InternDedupsAndDescribesOnlyOnMiss) {
  FrameTable table;
  int calls = 0;
  const FramePosition p1{7, 10, 3};
  const FramePosition p2{7, 10, 4};  // same line, other column: another frame
  const FrameId a = table.Intern(p1, [&] {
    ++calls;
    return MakeFrame("a", "/x.js", 10, 3);
  });
  const FrameId again = table.Intern(p1, [&] {
    ++calls;
    return MakeFrame("WRONG", "/wrong.js", 1, 1);
  });
  EXPECT_EQ(a, again);
  EXPECT_EQ(calls, 1);
  const FrameId b = table.Intern(p2, [&] {
    ++calls;
    return MakeFrame("b", "/x.js", 10, 4);
  });
  EXPECT_NE(a, b);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Get(a), MakeFrame("a", "/x.js", 10, 3));
  EXPECT_EQ(table.Get(b), MakeFrame("b", "/x.js", 10, 4));
}

TEST(FrameTableTest, ConstructCallAndRenamedClosuresAtOnePositionAreFramesOfTheirOwn) {
  FrameTable table;
  const auto is = [](std::string_view expected) {
    return [expected](std::string_view name) { return name == expected; };
  };
  const FramePosition call{7, 10, 3, false, 11};
  const FramePosition construct{7, 10, 3, true, 11};
  const FramePosition renamed{7, 10, 3, false, 22};
  const FrameId f = table.Intern(call, is("F"), [] { return MakeFrame("F", "/x.js", 10, 3); });
  const FrameId new_f =
      table.Intern(construct, is("F"), [] { return MakeFrame("F", "/x.js", 10, 3, true); });
  const FrameId g = table.Intern(renamed, is("g"), [] { return MakeFrame("g", "/x.js", 10, 3); });
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.Get(f), MakeFrame("F", "/x.js", 10, 3));
  EXPECT_EQ(table.Get(new_f), MakeFrame("F", "/x.js", 10, 3, true));
  EXPECT_EQ(table.Get(g), MakeFrame("g", "/x.js", 10, 3));
  EXPECT_EQ(table.Intern(construct, is("F"), [] { return MakeFrame("WRONG", "", 0, 0); }), new_f);
}

TEST(FrameTableTest, NamesWhoseHashesCollideAreStillTwoFrames) {
  FrameTable table;
  const FramePosition position{7, 10, 3, false, 99};  // "a" and "b" given one hash
  int described = 0;
  const auto intern = [&](const std::string& name) {
    return table.Intern(
        position, [&](std::string_view known) { return known == name; },
        [&] {
          ++described;
          return MakeFrame(name, "/x.js", 10, 3);
        });
  };
  const FrameId a = intern("a");
  const FrameId b = intern("b");
  EXPECT_NE(a, b);
  EXPECT_EQ(intern("a"), a);
  EXPECT_EQ(intern("b"), b);
  EXPECT_EQ(described, 2);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Get(b).function, "b");
}

// A script compiled again (a template engine's vm.Script or new Function per render, a module
// re-required after its cache entry was deleted) has a new script id, but its frames read the
// same: they are one frame, so that one site's Buffers are one entry and one growth.
TEST(FrameTableTest, FramesThatReadTheSameInScriptsOfTheirOwnAreOneFrame) {
  FrameTable table;
  int described = 0;
  const auto intern = [&](int script_id, int column) {
    return table.Intern(FramePosition{script_id, 4, column}, [&] {
      ++described;
      return MakeFrame("render", "views/page.ejs", 4, column);
    });
  };
  const FrameId first = intern(31, 9);
  EXPECT_EQ(intern(32, 9), first);
  EXPECT_EQ(intern(33, 9), first);
  EXPECT_NE(intern(34, 10), first);  // another column reads otherwise
  EXPECT_EQ(table.size(), 2u);
  // Each script's position is then known: no further describe.
  EXPECT_EQ(described, 4);
  EXPECT_EQ(intern(32, 9), first);
  EXPECT_EQ(described, 4);
  // After a reclaim the kept frame is still found by content from a position it lost.
  const std::vector<FrameId> new_ids = table.Retain({false, true});
  EXPECT_EQ(new_ids[0], kDroppedFrame);
  EXPECT_EQ(intern(35, 10), new_ids[1]);
  EXPECT_EQ(table.size(), 1u);
}

TEST(StackTreeTest, EmptyStackIsRoot) {
  StackTree tree;
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree.Intern({}), kNoStack);
  EXPECT_TRUE(tree.Frames(kNoStack).empty());
  EXPECT_EQ(tree.size(), 1u);
}

TEST(StackTreeTest, SameFramesSameIdAndInnermostFirst) {
  StackTree tree;
  const std::vector<FrameId> frames = {5, 6, 7};  // 5 innermost, 7 outermost
  const StackId id = tree.Intern(frames);
  EXPECT_NE(id, kNoStack);
  EXPECT_EQ(tree.Intern(frames), id);
  EXPECT_EQ(tree.Frames(id), frames);
  EXPECT_EQ(tree.size(), 4u);  // root + one node per frame
}

TEST(StackTreeTest, StacksSharingBottomFramesShareNodes) {
  StackTree tree;
  const StackId abc = tree.Intern(std::vector<FrameId>{1, 2, 3});
  const StackId dbc = tree.Intern(std::vector<FrameId>{4, 2, 3});
  EXPECT_NE(abc, dbc);
  // Only the differing innermost frame costs a node.
  EXPECT_EQ(tree.size(), 5u);
  EXPECT_EQ(tree.Frames(dbc), (std::vector<FrameId>{4, 2, 3}));

  // The outer part of an existing stack is already a node.
  const StackId bc = tree.Intern(std::vector<FrameId>{2, 3});
  EXPECT_EQ(tree.size(), 5u);
  EXPECT_EQ(tree.Frames(bc), (std::vector<FrameId>{2, 3}));

  // Same frames in another order are another stack.
  const StackId cb = tree.Intern(std::vector<FrameId>{3, 2});
  EXPECT_NE(cb, bc);
  EXPECT_EQ(tree.size(), 7u);
}

TEST(StackTreeTest, UnknownIdHasNoFrames) {
  StackTree tree;
  EXPECT_TRUE(tree.Frames(42).empty());
}

// Stacks of frames named by one letter, each frame at a position of its own.
class ReclaimStacksTest : public ::testing::Test {
 protected:
  FrameId FrameOf(char name) {
    const std::string function(1, name);
    return frames_.Intern(FramePosition{1, name, 1}, [&] {
      ++described_;
      return MakeFrame(function, "/x.js", name, 1);
    });
  }
  // `names` innermost first.
  StackId StackOf(std::string_view names) {
    std::vector<FrameId> ids;
    for (char name : names) ids.push_back(FrameOf(name));
    return stacks_.Intern(ids);
  }
  std::string Format(StackId id) { return FormatStack(frames_, stacks_, id); }

  FrameTable frames_;
  StackTree stacks_;
  int described_ = 0;
};

TEST_F(ReclaimStacksTest, KeepsExactlyWhatStacksInUseNeedAndRenumbersThemInOrder) {
  const StackId amt = StackOf("amt");
  StackId bmt = StackOf("bmt");
  const StackId cnt = StackOf("cnt");
  StackId d = StackOf("d");
  StackId none = kNoStack;
  EXPECT_EQ(frames_.size(), 7u);  // a b c d m n t
  EXPECT_EQ(stacks_.size(), 8u);  // root, t, m, a, b, n, c, d
  (void)amt;
  (void)cnt;
  const std::string bmt_text = Format(bmt);
  const std::string d_text = Format(d);
  StackId bmt_again = bmt;

  ReclaimStacks({&bmt, &d, &none, &bmt_again}, frames_, stacks_);

  EXPECT_EQ(frames_.size(), 4u);  // b d m t
  EXPECT_EQ(stacks_.size(), 5u);  // root, t, m, b, d
  // Survivors keep their order: t(1) m(2) b(4) d(7) become 1 2 3 4.
  EXPECT_EQ(bmt, 3u);
  EXPECT_EQ(bmt_again, 3u);
  EXPECT_EQ(d, 4u);
  EXPECT_EQ(none, kNoStack);
  EXPECT_EQ(Format(bmt), bmt_text);
  EXPECT_EQ(Format(d), d_text);

  // Kept frames and stacks are found again without describing anything.
  const int described = described_;
  EXPECT_EQ(StackOf("bmt"), bmt);
  EXPECT_EQ(StackOf("mt"), 2u);
  EXPECT_EQ(described_, described);
  EXPECT_EQ(stacks_.size(), 5u);

  // A dropped path is interned anew, in the slots given back.
  EXPECT_EQ(StackOf("amt"), 5u);
  EXPECT_EQ(described_, described + 1);
  EXPECT_EQ(frames_.size(), 5u);
  EXPECT_EQ(stacks_.size(), 6u);
  EXPECT_EQ(Format(5), "at a (/x.js:97:1)\n    at m (/x.js:109:1)\n    at t (/x.js:116:1)");
}

TEST_F(ReclaimStacksTest, NothingInUseLeavesTheEmptyStackOnly) {
  StackOf("abc");
  StackOf("d");
  ReclaimStacks({}, frames_, stacks_);
  EXPECT_EQ(frames_.size(), 0u);
  EXPECT_EQ(stacks_.size(), 1u);
  EXPECT_EQ(StackOf("d"), 1u);
}

TEST_F(ReclaimStacksTest, FramesWhoseNameHashesCollideSurviveTogether) {
  const FramePosition position{7, 10, 3, false, 99};
  const auto intern = [&](const std::string& name) {
    return frames_.Intern(
        position, [&](std::string_view known) { return known == name; },
        [&] { return MakeFrame(name, "/x.js", 10, 3); });
  };
  const FrameId dropped = FrameOf('z');
  const FrameId a = intern("a");
  const FrameId b = intern("b");
  (void)dropped;
  StackId sa = stacks_.Intern(std::vector<FrameId>{a});
  StackId sb = stacks_.Intern(std::vector<FrameId>{b});
  ReclaimStacks({&sa, &sb}, frames_, stacks_);
  EXPECT_EQ(frames_.size(), 2u);
  EXPECT_EQ(Format(sa), "at a (/x.js:10:3)");
  EXPECT_EQ(Format(sb), "at b (/x.js:10:3)");
  EXPECT_EQ(intern("a"), 0u);
  EXPECT_EQ(intern("b"), 1u);
  EXPECT_EQ(frames_.size(), 2u);
}

TEST(ReclaimScheduleTest, DueOnceGrownByTheMostOfKeptStacksLiveRecordsAndTheMinimum) {
  ReclaimSchedule schedule;
  constexpr size_t kMin = ReclaimSchedule::kMinGrowth;
  EXPECT_FALSE(schedule.Due(kMin - 1));
  EXPECT_TRUE(schedule.Due(kMin));
  schedule.Reclaimed(10, 20);  // few stacks kept, few records: the minimum
  EXPECT_FALSE(schedule.Due(10 + kMin - 1));
  EXPECT_TRUE(schedule.Due(10 + kMin));
  schedule.Reclaimed(3 * kMin, 20);  // many stacks still in use: grow by as many again
  EXPECT_FALSE(schedule.Due(6 * kMin - 1));
  EXPECT_TRUE(schedule.Due(6 * kMin));
  schedule.Reclaimed(10, 5 * kMin);  // many live records: a pass over them costs as much
  EXPECT_FALSE(schedule.Due(10 + 5 * kMin - 1));
  EXPECT_TRUE(schedule.Due(10 + 5 * kMin));
}

class FormatStackTest : public ::testing::Test {
 protected:
  std::string Format(const std::vector<Frame>& innermost_first) {
    const StackId stack = builder_.StackOf(innermost_first);
    return FormatStack(builder_.frames(), builder_.stacks(), stack);
  }

  StackBuilder builder_;
};

TEST_F(FormatStackTest, NamedFunction) {
  EXPECT_EQ(Format({MakeFrame("a", "/x.js", 1, 2)}), "at a (/x.js:1:2)");
}

TEST_F(FormatStackTest, Constructor) {
  EXPECT_EQ(Format({MakeFrame("Reader", "/x.js", 5, 9, true)}), "at new Reader (/x.js:5:9)");
}

TEST_F(FormatStackTest, AnonymousFunction) {
  EXPECT_EQ(Format({MakeFrame("", "/x.js", 3, 4)}), "at /x.js:3:4");
}

TEST_F(FormatStackTest, UnnamedScript) {
  EXPECT_EQ(Format({MakeFrame("f", "", 1, 15)}), "at f (<anonymous>:1:15)");
  EXPECT_EQ(Format({MakeFrame("", "", 1, 15)}), "at <anonymous>:1:15");
}

TEST_F(FormatStackTest, AnonymousConstructorAsV8PrintsIt) {
  EXPECT_EQ(Format({MakeFrame("", "/x.js", 2, 3, true)}), "at new <anonymous> (/x.js:2:3)");
}

TEST_F(FormatStackTest, UnknownPositionLeftOut) {
  EXPECT_EQ(Format({MakeFrame("f", "/x.js", 0, 0)}), "at f (/x.js)");
  EXPECT_EQ(Format({MakeFrame("f", "/x.js", 7, 0)}), "at f (/x.js:7)");
}

TEST_F(FormatStackTest, FramesJoinedInnermostFirst) {
  EXPECT_EQ(Format({MakeFrame("a", "/x.js", 1, 2), MakeFrame("b", "/x.js", 3, 4),
                    MakeFrame("", "node:internal/main", 5, 6)}),
            "at a (/x.js:1:2)\n    at b (/x.js:3:4)\n    at node:internal/main:5:6");
}

TEST_F(FormatStackTest, NoStackIsNative) {
  EXPECT_EQ(FormatStack(builder_.frames(), builder_.stacks(), kNoStack), "at <native>");
}

}  // namespace
}  // namespace slab_hunter
