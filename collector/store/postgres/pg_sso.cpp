// The PostgreSQL store's single sign-on logins and sessions, on pooled
// connections: every collector behind one load balancer sees them, and a
// login's state is taken once whichever collector the provider returns to.
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/sso_sql.hpp"

namespace codepulse::collector::pg_store {
namespace {

template <class Row>
Result<std::optional<Row>> one_row(pg::Connection& conn, const char* sql, const pg::Params& p,
                                   Result<Row> (*read)(const RowView&)) {
  std::optional<Row> out;
  Status failed;
  auto s = each_row(conn, sql, p, [&](const RowView& r) {
    auto row = read(r);
    if (row)
      out = std::move(row).value();
    else
      failed = row.error();
  });
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

}  // namespace

Status PostgresStore::add_sso_login(const SsoLogin& login, int64_t purge_before_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params purge;
  purge.add(purge_before_ms);
  if (auto r = (*conn)->query(sso_sql::kPurgeLogins, purge); !r) return r.error();
  pg::Params p;
  p.add(login.state_hash).add(login.nonce).add(login.verifier).add(login.created_ms);
  auto r = (*conn)->query(sso_sql::kInsertLogin, p);
  return r ? Status{} : Status(r.error());
}

Result<std::optional<SsoLogin>> PostgresStore::take_sso_login(const std::string& state_hash) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(state_hash);
  return one_row(**conn, sso_sql::kTakeLogin, p, read_sso_login);
}

Status PostgresStore::add_sso_session(const SsoSession& session) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params purge;
  purge.add(session.created_ms);
  if (auto r = (*conn)->query(sso_sql::kPurgeSessions, purge); !r) return r.error();
  pg::Params p;
  p.add(session.id_hash)
      .add(session.email)
      .add(session.role)
      .add(session.csrf)
      .add(session.created_ms)
      .add(session.expires_ms)
      .add(session.scope);
  auto r = (*conn)->query(sso_sql::kInsertSession, p);
  return r ? Status{} : Status(r.error());
}

Result<std::optional<SsoSession>> PostgresStore::find_sso_session(const std::string& id_hash,
                                                                  int64_t now_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(id_hash).add(now_ms);
  return one_row(**conn, sso_sql::kSelectSession, p, read_sso_session);
}

Status PostgresStore::end_sso_session(const std::string& id_hash) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(id_hash);
  auto r = (*conn)->query(sso_sql::kDeleteSession, p);
  return r ? Status{} : Status(r.error());
}

}  // namespace codepulse::collector::pg_store
