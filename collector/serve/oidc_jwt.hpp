// OpenID Connect ID tokens: a JWT's parts, the provider's JSON Web
// Keys as OpenSSL keys, the RS256/ES256 signature check and the claim checks
// (iss, aud, azp, exp, iat, nonce, email, groups). No network here.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64url.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

using PublicKey = std::shared_ptr<EVP_PKEY>;

// One key of a JWK set that can check ID tokens: RSA (2048 bits or more) or
// EC P-256. Keys for encryption ("use": "enc") and other types are skipped.
struct Jwk {
  std::string kid;
  std::string alg;  // "RS256", "ES256", or "" when the JWK does not say
  PublicKey key;
  bool rsa = false;  // else EC P-256
};
Result<std::vector<Jwk>> parse_jwks(std::string_view json);

// A compact JWS split and decoded; the header's alg and kid read.
struct JwtParts {
  std::string signing_input;  // header.payload as sent
  std::string payload;        // decoded JSON
  std::string signature;      // decoded bytes
  std::string alg, kid;
};
Result<JwtParts> split_jwt(std::string_view token);

// RS256 with an RSA key, ES256 with a P-256 key; any other alg, or a key of
// the other kind, is refused.
Status verify_jwt_signature(const JwtParts& jwt, const Jwk& key);

struct ClaimRules {
  std::string issuer;     // iss must equal it exactly
  std::string client_id;  // aud must contain it (azp too when aud has several)
  std::string nonce;      // the nonce sent with the authorization request
  std::string groups_claim = "groups";
  int64_t now_s = 0;
  int64_t skew_s = 60;  // exp and iat are allowed this far off
};

struct IdentityClaims {
  std::string subject, email;
  std::vector<std::string> groups;
  int64_t expires_s = 0;
};
// The claims of a verified token's payload, or the first rule it breaks.
Result<IdentityClaims> check_id_token_claims(std::string_view payload, const ClaimRules& rules);

}  // namespace codepulse::collector
