// The JWKS cache: one fetch at start of use, one more per unknown kid at
// most every min_refetch_ms.
#include "collector/serve/oidc_keys.hpp"

namespace codepulse::collector {

const Jwk* JwksCache::find(const JwtParts& jwt) const {
  const bool rsa = jwt.alg == "RS256";
  const Jwk* only = nullptr;
  size_t of_type = 0;
  for (const Jwk& k : keys_) {
    if (k.rsa != rsa) continue;
    if (!jwt.kid.empty() && k.kid == jwt.kid) return &k;
    ++of_type;
    only = &k;
  }
  return jwt.kid.empty() && of_type == 1 ? only : nullptr;
}

Status JwksCache::refetch(int64_t now_ms) {
  auto doc = fetch_();
  last_fetch_ms_ = now_ms;
  fetched_ = true;
  ++fetches_;
  if (!doc) return make_error("cannot fetch the provider's keys (JWKS): " + doc.error().message);
  auto keys = parse_jwks(*doc);
  if (!keys) return keys.error();
  keys_ = std::move(keys).value();
  return {};
}

Result<Jwk> JwksCache::key_for(const JwtParts& jwt, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (!fetched_) {
    if (auto s = refetch(now_ms); !s) return s.error();
  }
  if (const Jwk* k = find(jwt)) return *k;
  if (now_ms - last_fetch_ms_ < min_refetch_ms_)
    return make_error("the ID token's key \"" + jwt.kid +
                      "\" is not among the provider's keys (fetched again too recently to retry)");
  if (auto s = refetch(now_ms); !s) return s.error();
  if (const Jwk* k = find(jwt)) return *k;
  return make_error("the ID token's key \"" + jwt.kid + "\" is not among the provider's keys");
}

size_t JwksCache::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

}  // namespace codepulse::collector
