// The collector's in-memory uid lookup: every row under a key is found, also
// across growth, shared hashes and removals.
#include "common/hash_row_index.hpp"

#include <catch2/catch.hpp>

using codepulse::HashRowIndex;

TEST_CASE("the uid index finds every row under a key across growth", "[collector][unit]") {
  HashRowIndex index;
  for (int64_t i = 1; i <= 50'000; ++i)
    index.insert(static_cast<uint64_t>(i) * 7919, i);
  CHECK(index.size() == 50'000);
  std::vector<int64_t> rows;
  for (int64_t i = 1; i <= 50'000; i += 997) {
    rows.clear();
    index.find(static_cast<uint64_t>(i) * 7919, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] == i);
  }
  rows.clear();
  index.find(3, rows);  // never inserted
  CHECK(rows.empty());
}

TEST_CASE("the uid index keeps rows that share a key, and removes one alone", "[collector][unit]") {
  HashRowIndex index;
  index.insert(0, 10);  // 0 is a valid key too
  index.insert(42, 1);
  index.insert(42, 2);
  index.insert(42, 3);
  std::vector<int64_t> rows;
  index.find(42, rows);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<int64_t>{1, 2, 3});
  index.erase(42, 2);
  rows.clear();
  index.find(42, rows);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<int64_t>{1, 3});
  rows.clear();
  index.find(0, rows);
  CHECK(rows == std::vector<int64_t>{10});
  CHECK(index.size() == 3);
}
