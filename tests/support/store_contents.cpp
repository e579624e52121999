#include "tests/support/store_contents.hpp"

#include <libpq-fe.h>
#include <sys/stat.h>

#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "collector/store/store.hpp"
#include "common/c_handles.hpp"
#include "common/sqlite.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {
namespace {

constexpr std::string_view kSqliteHeader{"SQLite format 3\0", 16};
constexpr Oid kByteaOid = 17;

[[noreturn]] void fail(const std::string& why) {
  throw std::runtime_error("store_contents: " + why);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A line per row of every table of the SQLite database `path`:
// "table:\tvalue\tvalue...", each value as SQLite reads it as text (a
// blob's own bytes).
std::string sqlite_rows(const std::string& path) {
  auto db = sql::Database::open(path, /*create=*/false);
  if (!db) fail(db.error().message);
  auto step = [&](sql::Statement& st) {
    auto row = st.step();
    if (!row) fail(row.error().message);
    return *row;
  };
  std::vector<std::string> tables;
  auto names = db->prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  if (!names) fail(names.error().message);
  while (step(*names))
    tables.emplace_back(names->text(0));
  if (tables.empty()) fail(path + " has no table");
  std::string out;
  for (const std::string& table : tables) {
    auto width = db->prepare("SELECT count(*) FROM pragma_table_info(?1)");
    if (!width) fail(width.error().message);
    width->bind(1, table);
    if (!step(*width)) fail("no columns of " + table);
    const int64_t columns = width->int64(0);
    auto rows = db->prepare("SELECT * FROM " + quoted(table));
    if (!rows) fail(rows.error().message);
    while (step(*rows)) {
      out += table + ":";
      for (int i = 0; i < columns; ++i) {
        out += '\t';
        out += rows->text(i);
      }
      out += '\n';
    }
  }
  return out;
}

using PgConn = std::unique_ptr<PGconn, FnDeleter<PQfinish>>;
using PgResult = std::unique_ptr<PGresult, FnDeleter<PQclear>>;

PgResult pg_rows_of(PGconn* conn, const std::string& sql) {
  PgResult r(PQexec(conn, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) fail(sql + ": " + PQerrorMessage(conn));
  return r;
}

// The same for a PostgreSQL database: every table of every schema but the
// system's; bytea values as their bytes.
std::string postgres_rows(const std::string& uri) {
  PgConn conn(PQconnectdb(uri.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) fail(uri + ": " + PQerrorMessage(conn.get()));
  const PgResult tables =
      pg_rows_of(conn.get(),
                 "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
                 "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', "
                 "'information_schema') ORDER BY 1");
  if (PQntuples(tables.get()) == 0) fail(uri + " has no table");
  std::string out;
  for (int t = 0; t < PQntuples(tables.get()); ++t) {
    const std::string table = PQgetvalue(tables.get(), t, 0);
    const PgResult rows = pg_rows_of(conn.get(), "SELECT * FROM " + table);
    for (int r = 0; r < PQntuples(rows.get()); ++r) {
      out += table + ":";
      for (int c = 0; c < PQnfields(rows.get()); ++c) {
        out += '\t';
        const char* value = PQgetvalue(rows.get(), r, c);
        if (PQftype(rows.get(), c) != kByteaOid) {
          out += value;
          continue;
        }
        size_t n = 0;
        std::unique_ptr<unsigned char, FnDeleter<PQfreemem>> bytes(
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &n));
        if (!bytes) fail("cannot read a bytea value of " + table);
        out.append(reinterpret_cast<const char*>(bytes.get()), n);
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace

std::string store_contents(const std::string& db) {
  if (collector::is_postgres_uri(db)) return postgres_rows(db);
  if (!exists(db)) fail("no database " + db);
  // The files first: opening the database may checkpoint its WAL when closed.
  std::string out;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    if (exists(db + suffix)) out += read_file(db + suffix);
  return out + sqlite_rows(db);
}

std::string folder_contents(const std::string& dir) {
  const std::vector<std::string> files = list_files(dir);
  if (files.empty()) fail("no file below " + dir);
  std::string out;
  std::vector<std::string> databases;
  for (const std::string& f : files) {
    const std::string bytes = read_file(f);
    if (bytes.starts_with(kSqliteHeader)) databases.push_back(f);
    out += bytes;
  }
  for (const std::string& db : databases)
    out += sqlite_rows(db);
  return out;
}

}  // namespace codepulse::test
