// The SQLite store's generation (store.hpp, StoreGeneration): read, made anew
// after a restore, and the online backup copy (VACUUM INTO) that carries a
// generation of its own.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collector/store/generation_rows.hpp"
#include "collector/store/sqlite/sqlite_backup.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "common/c_handles.hpp"
#include "common/time.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

constexpr const char* kSelectGeneration =
    "SELECT generation, since_ms, backup_ms, backup_copy FROM store_generation WHERE one = 1";
constexpr const char* kRenewGeneration =
    "UPDATE store_generation SET generation = ?1, since_ms = ?2, backup_ms = ?3, backup_copy = ?4"
    " WHERE one = 1";

Result<StoreGeneration> select_generation(sql::Database& db) {
  auto st = db.prepare(kSelectGeneration);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return make_error(db.path() + ": no store generation");
  return read_generation(StatementRow(*st));
}

// Sets a new generation id in `db`; returns what it set.
Result<StoreGeneration> set_generation(sql::Database& db, std::optional<int64_t> backup_ms,
                                       bool backup_copy) {
  auto id = new_generation_id();
  if (!id) return id.error();
  StoreGeneration g{*id, now_utc_ms(), backup_ms, backup_copy};
  auto st = db.prepare(kRenewGeneration);
  if (!st) return st.error();
  if (auto s = st->bind(1, g.id)
                   .bind(2, g.since_ms)
                   .bind(3, g.backup_ms)
                   .bind(4, int64_t{g.backup_copy ? 1 : 0})
                   .run();
      !s)
    return s.error();
  if (db.changes() != 1) return make_error(db.path() + ": no store generation to renew");
  return g;
}

}  // namespace

Result<StoreGeneration> SqliteStore::generation() {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  return select_generation(reader_);
}

Result<StoreGeneration> SqliteStore::renew_generation(std::optional<int64_t> backup_ms) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(mu_);
  return set_generation(db_, backup_ms, false);
}

}  // namespace codepulse::collector::sqlite_store

namespace codepulse::collector {

Result<StoreGeneration> backup_sqlite_store(const std::string& db_path, const std::string& path) {
  {
    // VACUUM INTO wants a new (or empty) file; made here, it is private.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd.valid())
      return make_error("cannot create the backup " + path + ": " + std::strerror(errno) +
                        (errno == EEXIST ? " (choose a new file)" : ""));
  }
  auto fail = [&](const std::string& why) -> Result<StoreGeneration> {
    ::unlink(path.c_str());
    return make_error("backup to " + path + ": " + why);
  };
  // A connection of its own reads one snapshot while ingest goes on; what
  // commits after this moment is not in the copy.
  auto source = sql::Database::open(db_path, /*create=*/false);
  if (!source) return fail(source.error().message);
  if (auto current = sqlite_store::select_generation(*source); !current)
    return fail(current.error().message +
                " (a database older than schema version 10: start this version's collector on "
                "it once first)");
  const int64_t taken_ms = now_utc_ms();
  {
    auto st = source->prepare("VACUUM INTO ?1");
    if (!st) return fail(st.error().message);
    if (auto s = st->bind(1, std::string_view(path)).run(); !s) return fail(s.error().message);
  }
  auto copy = sql::Database::open(path, /*create=*/false);
  if (!copy) return fail(copy.error().message);
  auto g = sqlite_store::set_generation(*copy, taken_ms, true);
  if (!g) return fail(g.error().message);
  return g;
}

}  // namespace codepulse::collector
