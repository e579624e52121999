// Control characters in UTF-8 text: C0 (U+0000 to U+001F, tab and newline
// included), DEL (U+007F) and C1 (U+0080 to U+009F). The one definition the
// collector refuses at its door and the output sinks show escaped (with the
// bidirectional overrides).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace codepulse {

// True for a C0 control byte or DEL.
inline bool is_c0_or_del(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

// True when `s` starts with the UTF-8 form of a C1 control (C2 80 to C2 9F).
inline bool starts_with_c1(std::string_view s) {
  return s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xC2 &&
         static_cast<unsigned char>(s[1]) >= 0x80 && static_cast<unsigned char>(s[1]) <= 0x9F;
}

// True when `s` starts with a bidirectional override or isolate (U+202A to
// U+202E, U+2066 to U+2069: E2 80 AA to AE, E2 81 A6 to A9), which reorder
// the text shown around them. Not controls: the sinks show them escaped.
inline bool starts_with_bidi_control(std::string_view s) {
  if (s.size() < 3 || static_cast<unsigned char>(s[0]) != 0xE2) return false;
  const auto b1 = static_cast<unsigned char>(s[1]), b2 = static_cast<unsigned char>(s[2]);
  return (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

// How many bytes `s` starts with that are printable ASCII (0x20 to 0x7e),
// what ids, models and paths nearly always are.
size_t plain_ascii_prefix(std::string_view s);

// The byte offset of the first control character in `s`, or npos.
size_t find_control_character(std::string_view s);

// `s` with every control character (C0, DEL, C1) and every byte of invalid
// UTF-8 replaced by U+FFFD, the replacement character: what a tracker sends
// instead of a string the collector would refuse (proto/README.md,
// "Strings"). Anything else, the bidirectional controls included, is kept.
std::string replace_control_characters(std::string_view s);

}  // namespace codepulse
