// Survival's pieces on their own (docs/PROVENANCE.md, "Survival"): which
// commit of the default branch stood at a mark, how a file's lines are
// claimed by a commit's AI lines and then its others', and the packed form
// the laptop keeps fingerprints in.
#include "tracker/git/file_survival.hpp"

#include <catch2/catch.hpp>

#include "tracker/queue/line_survival.hpp"

using namespace codepulse;
using namespace codepulse::tracker;

TEST_CASE("the branch at a mark is the newest first-parent commit made by then", "[survival]") {
  const FirstParentChain chain = {{"c3", 300}, {"c2", 200}, {"c1", 100}};
  CHECK(commit_at(chain, 350) == "c3");
  CHECK(commit_at(chain, 300) == "c3");  // made in the mark's second: stood at it
  CHECK(commit_at(chain, 299) == "c2");
  CHECK(commit_at(chain, 100) == "c1");
  CHECK(commit_at(chain, 99).empty());  // the branch did not exist yet
  CHECK(commit_at({}, 1000).empty());
}

TEST_CASE("the assistants' lines claim a file's copies first, the others' what is left",
          "[survival]") {
  // The file holds line 1 twice, line 2 once, line 4 once; not line 3.
  const PrintCounts file = {{1, 2}, {2, 1}, {4, 1}};
  // AI wrote 1, 1, 1 and 3: two copies of 1 are alive, 3 is gone.
  // The others wrote 1, 2 and 4: 1's copies are taken, 2 and 4 alive.
  const AliveLines a = count_alive({1, 1, 1, 3}, {1, 2, 4}, file);
  CHECK(a.ai == 2);
  CHECK(a.lines == 4);
  CHECK(count_alive({}, {}, file) == AliveLines{0, 0});
  CHECK(count_alive({5}, {6}, {}) == AliveLines{0, 0});
}

TEST_CASE("fingerprints pack to 16 hexadecimal digits each and back, bad text refused",
          "[survival]") {
  const std::vector<int64_t> prints = {0, 1, -1, INT64_MIN, INT64_MAX, 0x0123456789abcdef};
  const std::string packed = pack_prints(prints);
  CHECK(packed.size() == prints.size() * 16);
  CHECK(packed.substr(32, 16) == "ffffffffffffffff");
  auto back = unpack_prints(packed);
  REQUIRE(back);
  CHECK(*back == prints);
  CHECK(unpack_prints("").value().empty());
  auto odd = unpack_prints("0123");
  REQUIRE_FALSE(odd);
  CHECK(odd.error().message.find("multiple of 16") != std::string::npos);
  auto bad = unpack_prints("000000000000000g");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("non-hexadecimal") != std::string::npos);
}
