// Percent-encoding (RFC 3986): what a URL's query or user information holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace codepulse {

// `s` percent-encoded for a URL query (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view s);

// "%40" -> "@"; '+' stays '+' (this is not form decoding). nullopt on an
// escape that is cut short or not two hex digits.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace codepulse
