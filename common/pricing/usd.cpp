#include "common/pricing/usd.hpp"

#include <charconv>

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
  // Digits by hand rather than snprintf: a big JSON report formats millions.
  char buf[48];
  char* p = buf;
  if (neg) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, v / unit).ptr;
  if (decimals > 0) {
    *p++ = '.';
    uint64_t frac = v % unit;
    for (int i = decimals - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    p += decimals;
  }
  return std::string(buf, p);
}

}  // namespace codepulse
