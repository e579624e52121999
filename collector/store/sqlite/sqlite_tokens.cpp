// The SQLite store's API tokens: created and kept as hashes, looked up on the
// reader connection (never waiting for a commit), listed and revoked.
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "collector/store/store_rules.hpp"
#include "collector/store/stored_rows.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"

namespace codepulse::collector::sqlite_store {

Result<std::string> SqliteStore::create_token(const std::string& author, Role role,
                                              const std::string& label) {
  if (auto s = heal(); !s) return s.error();
  if (auto s = check_token_fields(author, label); !s) return s.error();
  auto token = new_token();
  if (!token) return token.error();
  const std::string hash = sha256_hex(*token);
  std::lock_guard lock(mu_);
  auto s = insert_token_.bind(1, hash)
               .bind(2, author)
               .bind(3, std::string_view(role_name(role)))
               .bind(4, label)
               .bind(5, now_utc_ms())
               .run();
  if (!s) return s.error();
  return token;
}

Result<std::optional<TokenInfo>> SqliteStore::authenticate(std::string_view token) {
  if (auto s = heal(); !s) return s.error();
  std::optional<TokenInfo> out;
  if (!plausible_token(token)) return out;
  const std::string hash = sha256_hex(token);
  std::lock_guard lock(reader_mu_);
  ResetGuard guard(reader_select_token_);
  reader_select_token_.bind(1, hash);
  auto row = reader_select_token_.step();
  if (!row) return row.error();
  if (!*row) return out;
  auto info = read_token(StatementRow(reader_select_token_));
  if (!info) return info.error();
  // A SCIM token opens the SCIM endpoints only (scim_tokens()).
  if (!info->revoked_ms && info->role != Role::kScim) out = std::move(info).value();
  return out;
}

Result<std::vector<TokenInfo>> SqliteStore::list_tokens() {
  if (auto s = heal(); !s) return s.error();
  std::vector<TokenInfo> out;
  std::lock_guard lock(mu_);
  ResetGuard guard(select_tokens_);
  while (true) {
    auto row = select_tokens_.step();
    if (!row) return row.error();
    if (!*row) break;
    auto info = read_token(StatementRow(select_tokens_));
    if (!info) return info.error();
    out.push_back(std::move(info).value());
  }
  return out;
}

Status SqliteStore::revoke_token(int64_t id) {
  if (auto s = heal(); !s) return s;
  std::lock_guard lock(mu_);
  if (auto s = revoke_token_.bind(1, id).bind(2, now_utc_ms()).run(); !s) return s;
  if (db_.changes() == 0) return make_error("no token with id " + std::to_string(id));
  return {};
}

}  // namespace codepulse::collector::sqlite_store
