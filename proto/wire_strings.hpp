// The rule every string of a batch meets (proto/README.md, "Strings"): no
// control character (C0, DEL, C1: common/text_controls.hpp). Internal to
// proto/: the field reader (wire_fields.hpp) calls it for every string.
#pragma once

#include <string>
#include <string_view>

namespace codepulse::proto::detail {

// Empty when `s` may be stored as the field `key`; otherwise the reason it
// may not, naming the field, the character and its byte offset.
std::string string_problem(const char* key, std::string_view s);

}  // namespace codepulse::proto::detail
