#include "tests/support/store_targets.hpp"

#include <libpq-fe.h>

#include <stdexcept>

#include "common/sqlite.hpp"

namespace codepulse::test {
namespace {

// Runs `sql` in the PostgreSQL database `db`. With `rows`, it must return at
// least one, and the first column of the first is returned.
std::string pg_run(const std::string& db, const std::string& sql, bool rows, const char* who) {
  PGconn* c = PQconnectdb(db.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = rows ? PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0
                       : PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string out = ok && rows ? PQgetvalue(r, 0, 0) : "";
  const std::string why = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(std::string(who) + ": " + sql + ": " + why);
  return out;
}

sql::Database sqlite_open(const std::string& db, const char* who) {
  auto conn = sql::Database::open(db, false);
  if (!conn) throw std::runtime_error(std::string(who) + ": " + conn.error().message);
  return std::move(conn).value();
}

}  // namespace

std::optional<StoreTarget> store_target(const std::string& kind, const TempDir& dir) {
  if (kind == "sqlite") return StoreTarget{kind, dir / "collector.db"};
  PgServer* server = PgServer::shared();
  if (!server) return std::nullopt;
  return StoreTarget{kind, server->create_database()};
}

std::string db_text(const std::string& db, const std::string& sql) {
  if (collector::is_postgres_uri(db)) return pg_run(db, sql, true, "db_text");
  auto conn = sqlite_open(db, "db_text");
  auto st = conn.prepare(sql);
  if (!st) throw std::runtime_error("db_text: " + st.error().message);
  auto row = st->step();
  if (!row || !*row) throw std::runtime_error("db_text: no row from " + sql);
  return std::string(st->text(0));
}

void db_exec(const std::string& db, const std::string& sql) {
  if (collector::is_postgres_uri(db)) {
    pg_run(db, sql, false, "db_exec");
    return;
  }
  auto conn = sqlite_open(db, "db_exec");
  if (auto s = conn.exec(sql.c_str()); !s)
    throw std::runtime_error("db_exec: " + s.error().message);
}

}  // namespace codepulse::test
