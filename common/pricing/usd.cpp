#include "common/pricing/usd.hpp"

#include <cstdio>

namespace codepulse {

std::string format_usd(int64_t nanos, int decimals) {
  const bool neg = nanos < 0;
  uint64_t v = neg ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
  uint64_t scale = 1;
  for (int i = decimals; i < 9; ++i)
    scale *= 10;
  v = (v + scale / 2) / scale;  // round half away from zero
  uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i)
    unit *= 10;
  char buf[48];
  if (decimals == 0) {
    std::snprintf(buf, sizeof buf, "%s%llu", neg ? "-" : "", static_cast<unsigned long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", neg ? "-" : "",
                  static_cast<unsigned long long>(v / unit), decimals,
                  static_cast<unsigned long long>(v % unit));
  }
  return buf;
}

}  // namespace codepulse
