// The OpenID Connect authorization code flow with PKCE (S256), as the
// dashboard's single sign-on uses it: the provider's discovery document, the
// login begun (state, nonce and verifier kept in the store, taken once), the
// code exchanged at the token endpoint, the ID token verified (oidc_jwt.hpp)
// and its groups mapped to a role.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "collector/serve/oidc_keys.hpp"
#include "collector/serve/oidc_settings.hpp"
#include "collector/store/store.hpp"
#include "common/net/https_client.hpp"

namespace codepulse::collector {

// One HTTPS request to a full https:// URL (the provider's endpoints).
using OidcHttp = std::function<Result<HttpResponse>(const std::string& url, HttpRequest request)>;
// The real one: common/net/https_client, trusting `settings.ca_file`.
OidcHttp oidc_https(const OidcSettings& settings);

struct ProviderMetadata {
  std::string authorization_endpoint, token_endpoint, jwks_uri;
};
// The discovery document, its issuer checked against `issuer` and every
// endpoint required to be https.
Result<ProviderMetadata> parse_discovery(std::string_view json, const std::string& issuer);

// The ID token checked against the provider's keys and `rules`.
Result<IdentityClaims> verify_id_token(std::string_view token, JwksCache& keys,
                                       const ClaimRules& rules, int64_t now_ms);

// admin when a group is among admin_groups, else finance when among
// finance_groups, else viewer.
Role role_for_groups(const std::vector<std::string>& groups, const OidcSettings& settings);

// The scope of access (docs/ACCESS.md) of a user of `role` in `groups`:
// "org" for an admin or finance, else the scope of the first of
// settings.scope_groups the user is in, else "self:EMAIL".
std::string scope_for_groups(const std::vector<std::string>& groups, Role role,
                             const std::string& email, const OidcSettings& settings);

struct SsoIdentity {
  std::string email;  // lower-cased
  Role role = Role::kViewer;
  std::string scope = "org";
};

// Why a callback was refused: its HTTP status (400 bad request, 401 refused
// token or state, 502/503 the provider or the store failed) and the reason.
struct SsoRefusal {
  int status = 401;
  std::string message;
};

class OidcLogin {
 public:
  using Clock = std::function<int64_t()>;
  OidcLogin(OidcSettings settings, Store& store, OidcHttp http, Clock clock);

  const OidcSettings& settings() const { return settings_; }
  // The provider's authorization URL for a new login (stored in the store).
  Result<std::string> begin();
  // The provider sent the browser back with `code` and `state`.
  std::variant<SsoRefusal, SsoIdentity> finish(std::string_view code, std::string_view state);

 private:
  Result<ProviderMetadata> metadata();
  Result<std::string> exchange(const ProviderMetadata& meta, std::string_view code,
                               const std::string& verifier);

  OidcSettings settings_;
  Store& store_;
  OidcHttp http_;
  Clock clock_;
  std::mutex mu_;
  std::optional<ProviderMetadata> meta_;  // with mu_ held; kept once fetched
  JwksCache jwks_;
};

}  // namespace codepulse::collector
