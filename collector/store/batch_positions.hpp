// The position each record or commit held in a batch as sent, for the
// stores' rules (store_rules.cpp, author_day_limit.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace codepulse::collector {

// The position each accepted item held in the batch as sent: the decoder
// keeps accepted items in order, so item i sits at the i-th position it did
// not reject.
class Positions {
 public:
  explicit Positions(std::vector<size_t> rejected) : rejected_(std::move(rejected)) {
    std::sort(rejected_.begin(), rejected_.end());
  }
  size_t next() {
    while (next_rejected_ < rejected_.size() && rejected_[next_rejected_] <= position_) {
      if (rejected_[next_rejected_] == position_) ++position_;
      ++next_rejected_;
    }
    return position_++;
  }

 private:
  std::vector<size_t> rejected_;
  size_t position_ = 0, next_rejected_ = 0;
};

}  // namespace codepulse::collector
