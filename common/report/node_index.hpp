// The containers of the cube query's hashing path: node ids by a 64-bit key
// in one flat table, and the distinct values a node has seen.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace codepulse::report {

// A set of 32-bit values that stays a small vector while small (most nodes
// see a few sessions and days) and becomes a hash set when it grows.
class DistinctSet {
 public:
  void insert(uint32_t v) {
    if (!large_.empty()) {
      large_.insert(v);
      return;
    }
    if (std::find(small_.begin(), small_.end(), v) != small_.end()) return;
    if (small_.size() < kSmallMax) {
      small_.push_back(v);
      return;
    }
    large_.insert(small_.begin(), small_.end());
    large_.insert(v);
    small_.clear();
    small_.shrink_to_fit();
  }
  size_t size() const { return large_.empty() ? small_.size() : large_.size(); }

 private:
  static constexpr size_t kSmallMax = 16;
  std::vector<uint32_t> small_;
  std::unordered_set<uint32_t> large_;
};

// Open addressing from a 64-bit key (never ~0) to a node id; key and value
// side by side, so a probe touches one cache line.
class NodeIndex {
 public:
  NodeIndex() : slots_(1024) {}
  // The node for `key`, or `fresh` (and remembered) when there is none.
  uint32_t find_or_add(uint64_t key, uint32_t fresh) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    size_t i = hash(key) & mask;
    while (slots_[i].key != kFree) {
      if (slots_[i].key == key) return slots_[i].value;
      i = (i + 1) & mask;
    }
    slots_[i] = {key, fresh};
    ++count_;
    return fresh;
  }

 private:
  static constexpr uint64_t kFree = ~uint64_t{0};
  struct Slot {
    uint64_t key = kFree;
    uint32_t value = 0;
  };
  static size_t hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    const size_t mask = bigger.size() - 1;
    for (const Slot& s : slots_) {
      if (s.key == kFree) continue;
      size_t i = hash(s.key) & mask;
      while (bigger[i].key != kFree)
        i = (i + 1) & mask;
      bigger[i] = s;
    }
    slots_.swap(bigger);
  }
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

}  // namespace codepulse::report
