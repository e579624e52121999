// The SQLite store's single sign-on logins and sessions: written on the
// writer, a session looked up on the reader (never waiting for a commit).
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "collector/store/sso_sql.hpp"

namespace codepulse::collector::sqlite_store {

Status SqliteStore::add_sso_login(const SsoLogin& login, int64_t purge_before_ms) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto purge = db_.prepare(sso_sql::kPurgeLogins);
  if (!purge) return purge.error();
  auto done = purge->bind(1, purge_before_ms).run();
  auto insert = db_.prepare(sso_sql::kInsertLogin);
  if (!insert) return insert.error();
  if (done)
    done = insert->bind(1, login.state_hash)
               .bind(2, login.nonce)
               .bind(3, login.verifier)
               .bind(4, login.created_ms)
               .run();
  if (done) done = txn->commit();
  return done;
}

Result<std::optional<SsoLogin>> SqliteStore::take_sso_login(const std::string& state_hash) {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(mu_);
  std::optional<SsoLogin> out;
  Status failed;
  auto s = each_row(
      db_, sso_sql::kTakeLogin, [&](sql::Statement& st) { st.bind(1, state_hash); },
      [&](const RowView& r) {
        auto login = read_sso_login(r);
        if (login)
          out = std::move(login).value();
        else
          failed = login.error();
      });
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

Status SqliteStore::add_sso_session(const SsoSession& session) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto purge = db_.prepare(sso_sql::kPurgeSessions);
  if (!purge) return purge.error();
  auto done = purge->bind(1, session.created_ms).run();
  auto insert = db_.prepare(sso_sql::kInsertSession);
  if (!insert) return insert.error();
  if (done)
    done = insert->bind(1, session.id_hash)
               .bind(2, session.email)
               .bind(3, session.role)
               .bind(4, session.csrf)
               .bind(5, session.created_ms)
               .bind(6, session.expires_ms)
               .bind(7, session.scope)
               .run();
  if (done) done = txn->commit();
  return done;
}

Result<std::optional<SsoSession>> SqliteStore::find_sso_session(const std::string& id_hash,
                                                                int64_t now_ms) {
  if (auto ok = heal(); !ok) return ok.error();
  std::lock_guard lock(reader_mu_);
  std::optional<SsoSession> out;
  Status failed;
  auto s = each_row(
      reader_, sso_sql::kSelectSession,
      [&](sql::Statement& st) { st.bind(1, id_hash).bind(2, now_ms); },
      [&](const RowView& r) {
        auto session = read_sso_session(r);
        if (session)
          out = std::move(session).value();
        else
          failed = session.error();
      });
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

Status SqliteStore::end_sso_session(const std::string& id_hash) {
  if (auto ok = heal(); !ok) return ok;
  std::lock_guard lock(mu_);
  auto st = db_.prepare(sso_sql::kDeleteSession);
  if (!st) return st.error();
  return st->bind(1, id_hash).run();
}

}  // namespace codepulse::collector::sqlite_store
