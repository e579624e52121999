// The OpenID Connect settings of `serve` (oidc_* keys, docs/SSO.md): the
// provider, this client, and how the groups claim maps to roles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse::collector {

struct OidcSettings {
  std::string issuer;  // empty: single sign-on is off
  std::string client_id;
  std::string
      client_secret;  // read from oidc_client_secret_file; empty: a public client (PKCE only)
  std::string redirect_url;  // https://HOST[:PORT]/v1/sso/callback, as registered at the provider
  std::string ca_file;       // empty: the system's trusted CAs
  std::vector<std::string> scopes = {"openid", "email", "profile"};
  std::string groups_claim = "groups";
  std::vector<std::string> admin_groups, finance_groups;  // any other member is a viewer
  // A viewer's scope of access (docs/ACCESS.md): the first (group, scope)
  // whose group the user is in; none: only their own usage ("self:EMAIL").
  // Admins and finance are organisation-wide.
  std::vector<std::pair<std::string, std::string>> scope_groups;
  int64_t clock_skew_ms = 60'000;
  int64_t session_ms = 8 * 3600 * 1000;  // a session lasts this long after login
  int64_t login_ms = 10 * 60 * 1000;     // the provider must send the browser back within this
  int64_t timeout_ms = 10'000;           // each request to the provider
  int64_t jwks_refetch_ms = 60'000;      // an unknown kid refetches the keys at most this often
  bool enabled() const { return !issuer.empty(); }
};

}  // namespace codepulse::collector
