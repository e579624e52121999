// The PostgreSQL store, for several stateless collectors over one database:
// opening it (the schema migrated by one collector at a time) and its sizes.
// Ingest is in pg_ingest.cpp, tokens in pg_tokens.cpp, the reads for reports
// in pg_usage_scan.cpp, pg_commits.cpp and pg_tasks.cpp.
#include "collector/store/postgres/pg_schema.hpp"
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"

namespace codepulse::collector {
namespace pg_store {
namespace {

constexpr size_t kPoolSize = 4;  // tokens, counts and reports
constexpr int64_t kFollowIntervalMs = 500;

}  // namespace

PostgresStore::PostgresStore(std::string uri, pg::Connection writer)
    : uri_(std::move(uri)),
      writer_(std::move(writer)),
      pool_(uri_, kPoolSize),
      follower_(uri_, kFollowIntervalMs) {}

PostgresStore::~PostgresStore() {
  follower_.stop();
}

Status PostgresStore::migrate() {
  std::lock_guard lock(writer_mu_);
  if (auto s = writer_.exec("BEGIN"); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = writer_.exec(pg_sql::kLockSchema); !s) return s;
    if (auto s = writer_.exec(pg_sql::kCreateVersionTable); !s) return s;
    auto version = writer_.query(pg_sql::kSelectVersion);
    if (!version) return version.error();
    const int64_t v = version->int64(0, 0);
    if (v > pg_sql::kSchemaVersion)
      return make_error(writer_.where() + " has schema version " + std::to_string(v) +
                        ", newer than this collector supports (" +
                        std::to_string(pg_sql::kSchemaVersion) + ")");
    const std::pair<int64_t, const char*> steps[] = {
        {3, pg_sql::kMigrationTo3},   {4, pg_sql::kMigrationTo4},   {5, pg_sql::kMigrationTo5},
        {6, pg_sql::kMigrationTo6},   {7, pg_sql::kMigrationTo7},   {8, pg_sql::kMigrationTo8},
        {9, pg_sql::kMigrationTo9},   {10, pg_sql::kMigrationTo10}, {11, pg_sql::kMigrationTo11},
        {12, pg_sql::kMigrationTo12}, {13, pg_sql::kMigrationTo13}, {14, pg_sql::kMigrationTo14},
        {15, pg_sql::kMigrationTo15}, {16, pg_sql::kMigrationTo16}, {17, pg_sql::kMigrationTo17},
        {18, pg_sql::kMigrationTo18}, {21, pg_sql::kMigrationTo21}, {22, pg_sql::kMigrationTo22},
        {23, pg_sql::kMigrationTo23}, {24, pg_sql::kMigrationTo24}, {25, pg_sql::kMigrationTo25},
        {26, pg_sql::kMigrationTo26}, {27, pg_sql::kMigrationTo27}, {28, pg_sql::kMigrationTo28}};
    for (const auto& [to, sql] : steps) {
      if (v >= to) continue;
      if (auto s = writer_.exec(sql); !s)
        return make_error(writer_.where() + ": migrating to schema version " + std::to_string(to) +
                          ": " + s.error().message);
    }
    return writer_.exec("COMMIT");
  };
  auto s = run();
  if (!s) (void)writer_.exec("ROLLBACK");
  return s;
}

Result<int64_t> PostgresStore::scalar(const char* sql) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->query(sql);
  if (!rows) return rows.error();
  return rows->int64(0, 0);
}

Result<int64_t> PostgresStore::record_count() {
  return scalar(pg_sql::kCountRecords);
}

Result<int64_t> PostgresStore::size_bytes() {
  return scalar(pg_sql::kDatabaseSize);
}

}  // namespace pg_store

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& uri) {
  auto writer = pg::Connection::open(uri);
  if (!writer) return writer.error();
  auto store = std::make_unique<pg_store::PostgresStore>(uri, std::move(writer).value());
  if (auto s = store->migrate(); !s) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace codepulse::collector
