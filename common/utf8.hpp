// UTF-8 validation helpers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace codepulse {

// Length of the valid UTF-8 sequence starting at s[0] (1..4), or 0 if invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s);

// The code point of the valid sequence of n bytes (utf8_sequence_length)
// at the start of s.
char32_t utf8_code_point(std::string_view s, size_t n);

// A copy of s with every invalid byte replaced by '?'; same length.
std::string replace_invalid_utf8(std::string_view s);

// At most `max_bytes` of s for an error message to quote: s itself when it
// fits, else its first bytes cut at a character boundary, then "...". A
// message naming a key or value from a file stays short however long that
// key or value is.
std::string excerpt(std::string_view s, size_t max_bytes = 64);

}  // namespace codepulse
