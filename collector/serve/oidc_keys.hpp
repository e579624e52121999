// The OpenID provider's signing keys (its JWKS), cached: a token signed with
// a kid the cache does not hold makes it fetch the set again, at most once
// per min_refetch_ms, so a provider's key rotation is picked up at once and a
// flood of tokens with made-up kids cannot make the collector hammer it.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "collector/serve/oidc_jwt.hpp"

namespace codepulse::collector {

class JwksCache {
 public:
  using Fetch = std::function<Result<std::string>()>;  // the JWKS document
  JwksCache(Fetch fetch, int64_t min_refetch_ms)
      : fetch_(std::move(fetch)), min_refetch_ms_(min_refetch_ms) {}

  // The key for a token's kid (any key of the right type when the token has
  // no kid and the set holds just one), fetching the set when it is not
  // held; fetch failures and unknown kids are errors.
  Result<Jwk> key_for(const JwtParts& jwt, int64_t now_ms);
  size_t fetches() const;

 private:
  Status refetch(int64_t now_ms);  // with mu_ held
  const Jwk* find(const JwtParts& jwt) const;

  Fetch fetch_;
  int64_t min_refetch_ms_;
  mutable std::mutex mu_;
  std::vector<Jwk> keys_;
  bool fetched_ = false;
  int64_t last_fetch_ms_ = 0;
  size_t fetches_ = 0;
};

}  // namespace codepulse::collector
