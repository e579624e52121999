// ASCII-only text helpers (host names, emails, identifiers, headers),
// locale-free: the one place for lowering, trimming, comparing without case
// and hex encoding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace codepulse {

inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A copy of `s` with A-Z lowered; every other byte kept.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = ascii_lower(c);
  return out;
}

// True when a and b are equal but for the case of A-Z.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// `s` without the leading and trailing bytes found in `chars`.
inline std::string_view trim(std::string_view s, std::string_view chars = " \t") {
  const size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(chars) - b + 1);
}

// Lowercase hex of n bytes.
inline std::string hex_encode(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

}  // namespace codepulse
