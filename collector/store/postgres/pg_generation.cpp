// The PostgreSQL store's generation (store.hpp, StoreGeneration): read, and
// made anew after a restore (`codepulse-collector restored`; backups are
// PostgreSQL's own: pg_dump, point-in-time recovery).
#include "collector/store/generation_rows.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "common/time.hpp"

namespace codepulse::collector::pg_store {
namespace {

constexpr const char* kSelectGeneration =
    "SELECT generation, since_ms, backup_ms, backup_copy FROM store_generation WHERE one = 1";
constexpr const char* kRenewGeneration =
    "UPDATE store_generation SET generation = $1, since_ms = $2, backup_ms = $3, backup_copy = 0"
    " WHERE one = 1";

}  // namespace

Result<StoreGeneration> PostgresStore::generation() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto rows = (*conn)->query(kSelectGeneration);
  if (!rows) return rows.error();
  if (rows->size() == 0) return make_error("no store generation in the database");
  return read_generation(ResultRow(*rows, 0));
}

Result<StoreGeneration> PostgresStore::renew_generation(std::optional<int64_t> backup_ms) {
  auto id = new_generation_id();
  if (!id) return id.error();
  StoreGeneration g{*id, now_utc_ms(), backup_ms, false};
  pg::Params p;
  p.add(g.id).add(g.since_ms).add(g.backup_ms);
  std::lock_guard lock(writer_mu_);
  auto rows = writer_.query(kRenewGeneration, p);
  if (!rows) return rows.error();
  if (rows->affected() != 1) return make_error("no store generation in the database to renew");
  return g;
}

}  // namespace codepulse::collector::pg_store
