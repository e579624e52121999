// Finding control characters in UTF-8 text (text_controls.hpp).
#include "common/text_controls.hpp"

namespace codepulse {

size_t find_control_character(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (is_c0_or_del(c) || starts_with_c1(s.substr(i))) return i;
  }
  return std::string_view::npos;
}

}  // namespace codepulse
