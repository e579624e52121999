// Sums that cannot wrap (issue 22): add_checked() adds in 64 bits and, where
// the exact sum would leave the int64 range, saturates at its bound and says
// so, so a total is either exact or known to be wrong (never negative by
// wrap-around, never undefined behaviour).
#pragma once

#include <cstdint>

namespace codepulse {

// acc += v; false (and acc at INT64_MAX or INT64_MIN) when it overflowed.
inline bool add_checked(int64_t& acc, int64_t v) {
  int64_t sum = 0;
  if (__builtin_add_overflow(acc, v, &sum)) {
    acc = v < 0 ? INT64_MIN : INT64_MAX;
    return false;
  }
  acc = sum;
  return true;
}

}  // namespace codepulse
