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
  // Cleared, it starts small again and grows as before.
  index.clear();
  CHECK(index.size() == 0);
  rows.clear();
  index.find(7919, rows);
  CHECK(rows.empty());
  for (int64_t i = 1; i <= 100; ++i)
    index.insert(static_cast<uint64_t>(i) * 31, i);
  for (int64_t i = 1; i <= 100; ++i) {
    rows.clear();
    index.find(static_cast<uint64_t>(i) * 31, rows);
    REQUIRE(rows == std::vector<int64_t>{i});
  }
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

TEST_CASE("the hash row index stays correct through many removals and reinsertions",
          "[collector][unit]") {
  // A write batch replaces entries over and over; removed slots must not
  // lose live entries when the table is rebuilt.
  HashRowIndex index;
  for (int64_t round = 0; round < 200'000; ++round) {
    const auto key = static_cast<uint64_t>(1000 + round % 97);  // (0 and 1 share a slot key)
    index.insert(key, round);
    if (round >= 97) index.erase(key, round - 97);
  }
  CHECK(index.size() == 97);
  std::vector<int64_t> rows;
  for (uint64_t key = 1000; key < 1097; ++key) {
    rows.clear();
    index.find(key, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0] % 97 == static_cast<int64_t>(key - 1000));
    CHECK(rows[0] >= 200'000 - 97);
  }
}
