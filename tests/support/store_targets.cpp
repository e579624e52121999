#include "tests/support/store_targets.hpp"

#include <libpq-fe.h>

#include <stdexcept>

#include "common/sqlite.hpp"

namespace codepulse::test {

std::optional<StoreTarget> store_target(const std::string& kind, const TempDir& dir) {
  if (kind == "sqlite") return StoreTarget{kind, dir / "collector.db"};
  PgServer* server = PgServer::shared();
  if (!server) return std::nullopt;
  return StoreTarget{kind, server->create_database()};
}

std::string db_text(const std::string& db, const std::string& sql) {
  if (collector::is_postgres_uri(db)) {
    PGconn* c = PQconnectdb(db.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
    const std::string out = ok ? PQgetvalue(r, 0, 0) : "";
    const std::string why = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("db_text: " + sql + ": " + why);
    return out;
  }
  auto conn = sql::Database::open(db, false);
  if (!conn) throw std::runtime_error("db_text: " + conn.error().message);
  auto st = conn->prepare(sql);
  if (!st) throw std::runtime_error("db_text: " + st.error().message);
  auto row = st->step();
  if (!row || !*row) throw std::runtime_error("db_text: no row from " + sql);
  return std::string(st->text(0));
}

}  // namespace codepulse::test
