// The PostgreSQL store's API tokens: created and kept as hashes, looked up,
// listed and revoked, each on a pooled connection.
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/store_rules.hpp"
#include "collector/store/stored_rows.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"

namespace codepulse::collector::pg_store {

Result<std::string> PostgresStore::create_token(const std::string& author, Role role,
                                                const std::string& label) {
  if (auto s = check_token_fields(author, label); !s) return s.error();
  auto token = new_token();
  if (!token) return token.error();
  pg::Params p;
  p.add(sha256_hex(*token)).add(author).add(role_name(role)).add(label).add(now_utc_ms());
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  if (auto s = (*conn)->run("codepulse_insert_token", pg_sql::kInsertToken, p); !s)
    return s.error();
  return token;
}

Result<std::optional<TokenInfo>> PostgresStore::authenticate(std::string_view token) {
  std::optional<TokenInfo> out;
  if (!plausible_token(token)) return out;
  pg::Params p;
  p.add(sha256_hex(token));
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->run("codepulse_select_token", pg_sql::kSelectTokenByHash, p);
  if (!rows) return rows.error();
  if (rows->size() == 0) return out;
  auto info = read_token(ResultRow(*rows, 0));
  if (!info) return info.error();
  // A SCIM token opens the SCIM endpoints only (scim_tokens()).
  if (!info->revoked_ms && info->role != Role::kScim) out = std::move(info).value();
  return out;
}

Result<std::vector<TokenInfo>> PostgresStore::list_tokens() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->run("codepulse_select_tokens", pg_sql::kSelectTokens, {});
  if (!rows) return rows.error();
  std::vector<TokenInfo> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto info = read_token(ResultRow(*rows, i));
    if (!info) return info.error();
    out.push_back(std::move(info).value());
  }
  return out;
}

Status PostgresStore::revoke_token(int64_t id) {
  pg::Params p;
  p.add(id).add(now_utc_ms());
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto done = (*conn)->run("codepulse_revoke_token", pg_sql::kRevokeToken, p);
  if (!done) return done.error();
  if (done->affected() == 0) return make_error("no token with id " + std::to_string(id));
  return {};
}

}  // namespace codepulse::collector::pg_store
