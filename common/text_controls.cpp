// Finding and replacing control characters in UTF-8 text (text_controls.hpp).
#include "common/text_controls.hpp"

#include <cstdint>
#include <cstring>

#include "common/utf8.hpp"

namespace codepulse {

size_t plain_ascii_prefix(std::string_view s) {
  // Eight bytes at a time: a byte outside 0x20..0x7e sets its top bit in
  // one of the three terms (below 0x20: the subtraction wraps, as no less
  // significant byte borrows unless it is itself outside; 0x7f: the
  // addition; 0x80 and up: the byte itself), so a word with any such byte
  // is never passed. A word may also be stopped by a carry or borrow from one;
  // its bytes are then looked at one by one.
  constexpr uint64_t kOnes = 0x0101010101010101, kTops = 0x8080808080808080;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (((w - 0x20 * kOnes) | (w + kOnes) | w) & kTops) break;
  }
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) break;
    ++i;
  }
  return i;
}

size_t find_control_character(std::string_view s) {
  for (size_t i = plain_ascii_prefix(s); i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (is_c0_or_del(c) || starts_with_c1(s.substr(i))) return i;
  }
  return std::string_view::npos;
}

std::string replace_control_characters(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  // Printable ASCII, what ids, models and paths nearly always are, is copied
  // whole; the byte-by-byte pass starts at the first byte that needs a look.
  size_t i = plain_ascii_prefix(s);
  std::string out(s.substr(0, i));
  if (i == s.size()) return out;
  out.reserve(s.size() + 8);
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (is_c0_or_del(c))
        out += kReplacement;
      else
        out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0 || starts_with_c1(s.substr(i))) {
      out += kReplacement;
      i += n == 0 ? 1 : n;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

}  // namespace codepulse
