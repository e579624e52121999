// A record lookup in memory: 64-bit key hash -> row id, open addressing, 8
// bytes a slot (about 11-13 bytes per entry). The collector keeps one for
// every stored record: an index inside SQLite on a random hash dirties pages
// all over the index at every commit, so ingest slowed as the store grew; it
// is rebuilt from the uid_key column when the store opens. The tracker keeps
// one while it fills an empty store, before its SQLite indexes are built.
//
// A slot holds 32 bits of the key's hash (its tag) over a 32-bit row id, so
// rows of other keys whose tag is the same are found too (about one lookup
// in 90 at 50 million entries): callers compare the key text of each
// candidate row, as they must anyway for keys whose whole hash is the same.
// A row id outside 32 bits goes to a side table. A row is under one key at a
// time (erase names the pair).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace codepulse {

class HashRowIndex {
 public:
  void insert(uint64_t key, int64_t row);
  // Row ids stored under `key` (and perhaps under keys with its tag),
  // appended to `out`.
  void find(uint64_t key, std::vector<int64_t>& out) const;
  // Removes one (key, row) pair if present.
  void erase(uint64_t key, int64_t row);
  size_t size() const { return count_; }
  void clear();

 private:
  static constexpr uint32_t kRemoved = 0xFFFF'FFFFu;  // a slot's row once erased
  static uint32_t tag_of(uint64_t key) {
    const auto t = static_cast<uint32_t>((key * 0x9E37'79B9'7F4A'7C15ull) >> 32);
    return t == 0 ? 1 : t;  // 0 marks an empty slot
  }
  static bool fits(int64_t row) { return row >= 0 && row < kRemoved; }
  // The first slot to probe: the high bits of the tag's product (so growth
  // needs only the tag).
  size_t home(uint32_t tag) const {
    return static_cast<size_t>((tag * 0x9E37'79B9'7F4A'7C15ull) >> shift_);
  }
  void grow();
  void place(uint32_t tag, uint32_t row);

  std::vector<uint64_t> slots_;                      // tag << 32 | row; 0 = empty
  std::unordered_multimap<uint64_t, int64_t> wide_;  // rows outside 32 bits, by key
  int shift_ = 64;                                   // 64 - log2(slots)
  size_t count_ = 0, used_ = 0;                      // live entries; slots taken (removed too)
};

}  // namespace codepulse
