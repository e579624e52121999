// Single sign-on as the store keeps it (tables sso_logins and sso_sessions,
// docs/SSO.md): a login begun at the OpenID provider (its state, nonce and
// PKCE verifier, taken once when the provider sends the browser back) and a
// dashboard session opened by a login. Both are keyed by the SHA-256 of the
// random value the browser holds, so the store never holds a usable secret
// but the nonce and verifier of logins under way.
#pragma once

#include <cstdint>
#include <string>

#include "collector/store/row_view.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct SsoLogin {
  std::string state_hash;  // sha256_hex of the state parameter
  std::string nonce;
  std::string verifier;  // the PKCE code verifier
  int64_t created_ms = 0;
};

struct SsoSession {
  std::string id_hash;  // sha256_hex of the cookie's session id
  std::string email;    // the ID token's email claim, lower-cased
  std::string role;     // "viewer", "finance" or "admin" (from the groups claim)
  std::string csrf;     // must come back in X-Codepulse-CSRF on state-changing requests
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  std::string scope = "org";  // the scope of access its groups map to (docs/ACCESS.md)
};

// Rows as sso_sql.hpp selects them.
Result<SsoLogin> read_sso_login(const RowView& row);
Result<SsoSession> read_sso_session(const RowView& row);

}  // namespace codepulse::collector
