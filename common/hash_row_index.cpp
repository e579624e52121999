#include "common/hash_row_index.hpp"

namespace codepulse {

void HashRowIndex::grow() {
  std::vector<uint64_t> old = std::move(slots_);
  // Sized for the live entries: a table full of removed ones is rebuilt
  // without them rather than doubled. Small at first: the tracker clears
  // a write batch's two indexes after every file, most of a few entries
  // (a 16 KiB table zeroed each time was 4 % of a Codex cold scan).
  const size_t live = count_ - wide_.size();
  size_t capacity = 16;
  int bits = 4;
  while (capacity < (live + 1) * 2) {
    capacity *= 2;
    ++bits;
  }
  slots_.assign(capacity, 0);
  shift_ = 64 - bits;
  used_ = 0;
  for (const uint64_t s : old)
    if (s != 0 && static_cast<uint32_t>(s) != kRemoved)
      place(static_cast<uint32_t>(s >> 32), static_cast<uint32_t>(s));
}

void HashRowIndex::place(uint32_t tag, uint32_t row) {
  const size_t mask = slots_.size() - 1;
  size_t i = home(tag);
  while (slots_[i] != 0)
    i = (i + 1) & mask;
  slots_[i] = uint64_t{tag} << 32 | row;
  ++used_;
}

void HashRowIndex::insert(uint64_t key, int64_t row) {
  ++count_;
  if (!fits(row)) {
    wide_.emplace(key, row);
    return;
  }
  if ((used_ + 1) * 4 > slots_.size() * 3) grow();  // load factor 0.75
  place(tag_of(key), static_cast<uint32_t>(row));
}

void HashRowIndex::find(uint64_t key, std::vector<int64_t>& out) const {
  if (!slots_.empty()) {
    const uint32_t tag = tag_of(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = home(tag); slots_[i] != 0; i = (i + 1) & mask) {
      const uint64_t s = slots_[i];
      if (static_cast<uint32_t>(s >> 32) == tag && static_cast<uint32_t>(s) != kRemoved)
        out.push_back(static_cast<uint32_t>(s));
    }
  }
  if (!wide_.empty()) {
    const auto [from, to] = wide_.equal_range(key);
    for (auto it = from; it != to; ++it)
      out.push_back(it->second);
  }
}

void HashRowIndex::erase(uint64_t key, int64_t row) {
  if (!fits(row)) {
    const auto [from, to] = wide_.equal_range(key);
    for (auto it = from; it != to; ++it)
      if (it->second == row) {
        wide_.erase(it);
        --count_;
        return;
      }
    return;
  }
  if (slots_.empty()) return;
  const uint32_t tag = tag_of(key);
  const uint64_t wanted = uint64_t{tag} << 32 | static_cast<uint32_t>(row);
  const size_t mask = slots_.size() - 1;
  for (size_t i = home(tag); slots_[i] != 0; i = (i + 1) & mask)
    if (slots_[i] == wanted) {
      // A removed slot keeps later entries of the probe chain reachable.
      slots_[i] = uint64_t{tag} << 32 | kRemoved;
      --count_;
      return;
    }
}

void HashRowIndex::clear() {
  slots_.clear();
  wide_.clear();
  shift_ = 64;
  count_ = used_ = 0;
}

}  // namespace codepulse
