// A record lookup in memory: 64-bit key hash -> SQLite row id, open
// addressing, about 24 bytes per entry. The collector keeps one for every
// stored record: an index inside SQLite on a random hash dirties pages all
// over the index at every commit, so ingest slowed as the store grew; it is
// rebuilt from the uid_key column when the store opens. The tracker keeps one
// while it fills an empty store, before its SQLite indexes are built. Several
// rows may share a hash: callers compare the key text of each candidate row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace codepulse {

class HashRowIndex {
 public:
  void insert(uint64_t key, int64_t row);
  // Row ids stored under `key`, appended to `out`.
  void find(uint64_t key, std::vector<int64_t>& out) const;
  // Removes one (key, row) pair if present.
  void erase(uint64_t key, int64_t row);
  size_t size() const { return count_; }
  void clear();

 private:
  static uint64_t slot_key(uint64_t key) { return key == 0 ? 1 : key; }  // 0 marks empty
  void grow();

  std::vector<uint64_t> keys_;  // open addressing, linear probing; 0 = empty
  std::vector<int64_t> rows_;   // -1 with a key = removed (probing continues)
  size_t count_ = 0, used_ = 0;
};

}  // namespace codepulse
