// Reading sso_logins and sso_sessions rows, for both stores.
#include "collector/store/sso_rows.hpp"

namespace codepulse::collector {

Result<SsoLogin> read_sso_login(const RowView& row) {
  SsoLogin l;
  l.state_hash = std::string(row.text(0));
  l.nonce = std::string(row.text(1));
  l.verifier = std::string(row.text(2));
  l.created_ms = row.int64(3);
  if (l.nonce.empty() || l.verifier.empty()) return make_error("a stored SSO login without nonce");
  return l;
}

Result<SsoSession> read_sso_session(const RowView& row) {
  SsoSession s;
  s.id_hash = std::string(row.text(0));
  s.email = std::string(row.text(1));
  s.role = std::string(row.text(2));
  s.csrf = std::string(row.text(3));
  s.created_ms = row.int64(4);
  s.expires_ms = row.int64(5);
  s.scope = std::string(row.text(6));
  if (s.email.empty() || s.csrf.empty()) return make_error("a stored SSO session without email");
  return s;
}

}  // namespace codepulse::collector
