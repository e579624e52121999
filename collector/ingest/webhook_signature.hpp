// Webhook signatures as GitHub (X-Hub-Signature-256) and Bitbucket Cloud
// (X-Hub-Signature) send them: "sha256=" + hex HMAC-SHA256 of the raw body
// with the shared secret, checked in constant time.
#pragma once

#include <string>
#include <string_view>

namespace codepulse::collector {

// "sha256=<64 hex digits>" of `body` under `secret`.
std::string hub_signature(std::string_view secret, std::string_view body);

// True when `header` is exactly the signature of `body` under `secret`
// (hex in either case); false for any other header, including an empty one.
bool hub_signature_valid(std::string_view header, std::string_view secret, std::string_view body);

}  // namespace codepulse::collector
