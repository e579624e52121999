#include "common/hash_row_index.hpp"

namespace codepulse {

void HashRowIndex::grow() {
  std::vector<uint64_t> keys = std::move(keys_);
  std::vector<int64_t> rows = std::move(rows_);
  // Sized for the live entries: a table full of removed ones is rebuilt
  // without them rather than doubled. Small at first: the tracker clears
  // a write batch's two indexes after every file, most of a few entries
  // (a 16 KiB table zeroed each time was 4 % of a Codex cold scan).
  size_t capacity = 16;
  while (capacity < (count_ + 1) * 2)
    capacity *= 2;
  keys_.assign(capacity, 0);
  rows_.assign(capacity, -1);
  count_ = used_ = 0;
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] != 0 && rows[i] >= 0) insert(keys[i], rows[i]);
}

void HashRowIndex::insert(uint64_t key, int64_t row) {
  if ((used_ + 1) * 4 > keys_.size() * 3) grow();  // load factor 0.75
  const uint64_t k = slot_key(key);
  const size_t mask = keys_.size() - 1;
  size_t i = (k * 0x9E3779B97F4A7C15ull) & mask;
  while (keys_[i] != 0)
    i = (i + 1) & mask;
  keys_[i] = k;
  rows_[i] = row;
  ++count_;
  ++used_;
}

void HashRowIndex::find(uint64_t key, std::vector<int64_t>& out) const {
  if (keys_.empty()) return;
  const uint64_t k = slot_key(key);
  const size_t mask = keys_.size() - 1;
  for (size_t i = (k * 0x9E3779B97F4A7C15ull) & mask; keys_[i] != 0; i = (i + 1) & mask)
    if (keys_[i] == k && rows_[i] >= 0) out.push_back(rows_[i]);
}

void HashRowIndex::erase(uint64_t key, int64_t row) {
  if (keys_.empty()) return;
  const uint64_t k = slot_key(key);
  const size_t mask = keys_.size() - 1;
  for (size_t i = (k * 0x9E3779B97F4A7C15ull) & mask; keys_[i] != 0; i = (i + 1) & mask) {
    if (keys_[i] == k && rows_[i] == row) {
      rows_[i] = -1;  // a tombstone keeps later entries of the probe chain reachable
      --count_;
      return;
    }
  }
}

void HashRowIndex::clear() {
  keys_.clear();
  rows_.clear();
  count_ = used_ = 0;
}

}  // namespace codepulse
