// The control-character rule for batch strings (wire_strings.hpp).
#include "proto/wire_strings.hpp"

#include <cstdio>

#include "common/text_controls.hpp"

namespace codepulse::proto::detail {

std::string string_problem(const char* key, std::string_view s) {
  const size_t at = find_control_character(s);
  if (at == std::string_view::npos) return {};
  // C0 and DEL are one byte; a C1 control is C2 followed by its code point.
  const auto first = static_cast<unsigned char>(s[at]);
  const unsigned code = first == 0xC2 ? static_cast<unsigned char>(s[at + 1]) : first;
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", code);
  return std::string("field '") + key + "' holds the control character " + buf + " at byte " +
         std::to_string(at) + " (no string may hold C0, DEL or C1 control characters)";
}

}  // namespace codepulse::proto::detail
