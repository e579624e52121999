// Base64url without padding (RFC 4648 section 5): API tokens, PKCE values and
// the parts of a JSON Web Token.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace codepulse {

std::string base64url_encode(std::string_view bytes);
// Unpadded base64url (trailing '=' tolerated); any other character, or a
// length no encoding has (4n+1), is an error.
Result<std::string> base64url_decode(std::string_view text);

}  // namespace codepulse
