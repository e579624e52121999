// The collector's in-memory uid lookup: every row under a key is found, also
// across growth, shared hashes and removals.
#include "common/hash_row_index.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

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

TEST_CASE("the row index keeps row ids outside 32 bits, and keys that share a tag",
          "[collector][unit]") {
  HashRowIndex index;
  // Rows a slot cannot hold go to the side table and are found, kept and
  // removed like the others, across growth.
  const int64_t big = int64_t{1} << 40;
  index.insert(5, big);
  index.insert(5, -7);
  index.insert(5, 0xFFFF'FFFF);  // the removed marker's value: the side table too
  for (int64_t i = 1; i <= 1000; ++i)
    index.insert(static_cast<uint64_t>(i) * 104729, i);
  std::vector<int64_t> rows;
  index.find(5, rows);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<int64_t>{-7, 0xFFFF'FFFF, big});
  CHECK(index.size() == 1003);
  index.erase(5, big);
  rows.clear();
  index.find(5, rows);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<int64_t>{-7, 0xFFFF'FFFF});
  CHECK(index.size() == 1002);

  // Two keys whose products with the multiplier differ by one share their
  // high 32 bits (the tag): a lookup of either returns both rows, and
  // removing one pair leaves the other.
  const uint64_t golden = 0x9E37'79B9'7F4A'7C15ull;
  uint64_t inverse = golden;  // Newton's iteration for golden^-1 mod 2^64
  for (int i = 0; i < 6; ++i)
    inverse *= 2 - golden * inverse;
  REQUIRE(golden * inverse == 1);
  const uint64_t a = 0x1234'5678'0000'0000ull * inverse, b = a + inverse;
  REQUIRE(a != b);
  index.insert(a, 11);
  index.insert(b, 12);
  rows.clear();
  index.find(a, rows);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<int64_t>{11, 12});
  index.erase(b, 12);
  rows.clear();
  index.find(a, rows);
  CHECK(rows == std::vector<int64_t>{11});
  rows.clear();
  index.find(b, rows);
  CHECK(rows == std::vector<int64_t>{11});  // a candidate: callers compare the key text
}
