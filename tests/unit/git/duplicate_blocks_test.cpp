// Duplication's blocks on their own (docs/PROVENANCE.md, "Duplication"):
// runs of 6 or more scored lines of one kind inside one hunk, and the
// windows of 6 a file holds.
#include "tracker/git/duplicate_blocks.hpp"

#include <catch2/catch.hpp>

using namespace codepulse;
using namespace codepulse::tracker;

TEST_CASE("blocks are runs of 6 or more lines of one kind, cut by a hunk or the other kind",
          "[duplication]") {
  const std::vector<bool> a(6, true), o(6, false);
  auto join = [](std::initializer_list<std::vector<bool>> parts) {
    std::vector<bool> out;
    for (const auto& p : parts)
      out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  // 6 AI lines then 6 others in one hunk: two blocks.
  CHECK(find_blocks(join({a, o}), {0}) == std::vector<AddedBlock>{{0, 6, true}, {6, 6, false}});
  // 5 AI lines, 1 other, 5 AI: no block.
  CHECK(find_blocks({true, true, true, true, true, false, true, true, true, true, true}, {0})
            .empty());
  // 12 AI lines in two hunks of 6 and a hunk with no scored line between.
  CHECK(find_blocks(join({a, a}), {0, 6, 6}) ==
        std::vector<AddedBlock>{{0, 6, true}, {6, 6, true}});
  // 12 AI lines cut by a hunk at 4: 4 and 8, one block.
  CHECK(find_blocks(join({a, a}), {0, 4}) == std::vector<AddedBlock>{{4, 8, true}});
  CHECK(find_blocks({}, {}).empty());
}

TEST_CASE("a file's windows of 6 are counted with their copies", "[duplication]") {
  CHECK(window_counts({1, 2, 3, 4, 5}).empty());
  const auto one = window_counts({1, 2, 3, 4, 5, 6});
  REQUIRE(one.size() == 1);
  CHECK(one.begin()->second == 1);
  // The same six twice, with something between: that window twice.
  const auto twice = window_counts({1, 2, 3, 4, 5, 6, 9, 1, 2, 3, 4, 5, 6});
  int64_t most = 0;
  for (const auto& [w, n] : twice)
    most = std::max(most, n);
  CHECK(most == 2);
  CHECK(twice.size() == 8 - 1);  // 8 windows, one of them twice
  // Order matters.
  CHECK(window_counts({6, 5, 4, 3, 2, 1}).begin()->first != one.begin()->first);
}
