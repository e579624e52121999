// Checks the libFuzzer harnesses share: a broken invariant ends the run
// (abort, which libFuzzer reports with the input), saying which one.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace codepulse::fuzz {

[[noreturn]] inline void broken(const char* invariant) {
  std::fprintf(stderr, "broken invariant: %s\n", invariant);
  std::abort();
}

inline void expect(bool holds, const char* invariant) {
  if (!holds) broken(invariant);
}

// Hex digits only (any case), between min and max of them.
inline bool hex(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

// No byte below 0x20 and no DEL: what may stand in a stored name.
inline bool no_control(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

// find_task_keys' output: "" or keys like PROJ-123 ([A-Z][A-Z0-9]+-[0-9]+),
// comma-separated, each once. Nothing else of a title or branch.
inline bool task_keys_shaped(std::string_view keys) {
  if (keys.empty()) return true;
  size_t pos = 0;
  while (true) {
    const size_t comma = keys.find(',', pos);
    const std::string_view key =
        keys.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    const size_t dash = key.find('-');
    if (dash == std::string_view::npos || dash < 2 || dash + 1 == key.size()) return false;
    if (key[0] < 'A' || key[0] > 'Z') return false;
    for (size_t i = 1; i < key.size(); ++i) {
      const char c = key[i];
      const bool digit = c >= '0' && c <= '9';
      if (i < dash ? !(digit || (c >= 'A' && c <= 'Z')) : i > dash && !digit) return false;
    }
    for (size_t other = 0; other < pos;) {  // each once
      const size_t end = keys.find(',', other);
      if (keys.substr(other, end - other) == key) return false;
      other = end + 1;
    }
    if (comma == std::string_view::npos) return true;
    pos = comma + 1;
  }
}

}  // namespace codepulse::fuzz
