// ASCII-only text helpers (host names, emails, identifiers), locale-free.
#pragma once

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

}  // namespace codepulse
