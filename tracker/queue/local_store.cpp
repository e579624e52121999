// The local store itself: the state folder and database file, opening (with
// recovery from a corrupt file), migrations, the journal mode, transactions
// and the device id. Its tables are worked in file_cursors.cpp,
// record_table.cpp, outbox.cpp and queue_bounds.cpp.
#include "tracker/queue/local_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/c_handles.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"
#include "tracker/queue/record_sql.hpp"
#include "tracker/queue/store_sql.hpp"

namespace codepulse::tracker {
namespace {

Status make_private_dir(const std::string& dir) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error("cannot create state directory " + partial + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error("state directory " + dir + " is not a directory");
  return {};
}

// After a rollback: if the bulk load had ended inside what was rolled back,
// its indexes went with it, and every lookup would now scan the table.
void keep_indexes(sql::Database& db, bool bulk) {
  if (!bulk) (void)db.exec(sql_text::kCreateIndexes);
}

}  // namespace

Status LocalStore::prepare_state_dir(const std::string& state_dir) {
  return make_private_dir(state_dir);
}

Result<LocalStore> LocalStore::open(const std::string& state_dir, bool writer) {
  if (auto s = make_private_dir(state_dir); !s) return s.error();
  const std::string path = state_dir + "/tracker.db";
  {
    // Create the file ourselves so it is private from the first byte.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid())
      return make_error("cannot create database " + path + ": " + std::strerror(errno));
  }
  auto db = sql::Database::open(path);
  if (!db) return db.error();
  LocalStore store(std::move(db).value());
  if (auto s = store.db_.exec(sql_text::kPragmas); !s) return s.error();
  // Only a writer sets the journal mode: a reader asking for WAL while an
  // empty store is being filled would have to wait for the fill.
  if (writer) store.rollback_journal_ = !store.try_journal_mode("wal", /*wait=*/true);
  if (auto s = store.migrate(); !s) return s.error();
  if (auto s = store.prepare_all(); !s) return s.error();
  if (!writer) return store;
  // Empty or not: one row looked at, where count(*) read the whole table.
  auto any = store.db_.scalar(sql_text::kAnyRecord);
  if (!any) return any.error();
  store.bulk_ = *any == 0;
  // Indexes exist on any non-empty store (also after a crash mid bulk load).
  if (auto s = store.db_.exec(store.bulk_ ? sql_text::kDropIndexes : sql_text::kCreateIndexes); !s)
    return s.error();
  // A crash before the fill's first commit leaves a hot journal, rolled back
  // at the next open: the store is empty again and is filled again.
  if (store.bulk_ && !store.rollback_journal_)
    store.rollback_journal_ = store.try_journal_mode("delete", /*wait=*/false);
  return store;
}

bool LocalStore::try_journal_mode(std::string_view mode, bool wait) {
  if (!wait) db_.set_busy_timeout(0);
  bool in_force = false;
  if (auto st = db_.prepare("PRAGMA journal_mode=" + std::string(mode))) {
    auto row = st->step();
    in_force = row && *row && st->text(0) == mode;
  }
  if (!wait) db_.set_busy_timeout(sql::Database::kBusyTimeoutMs);
  // NORMAL is crash-safe with the WAL; a rollback journal needs FULL.
  const bool wal = in_force ? mode == "wal" : mode != "wal";
  (void)db_.exec(wal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
  return in_force;
}

Result<LocalStore> LocalStore::open_recovering(const std::string& state_dir,
                                               std::string& moved_to) {
  const std::string path = state_dir + "/tracker.db";
  std::string why;
  {
    auto store = open(state_dir);
    if (store) {
      auto st = store->db_.prepare("PRAGMA quick_check(1)");
      if (!st) {
        why = st.error().message;
      } else if (auto row = st->step(); !row) {
        why = row.error().message;
      } else if (*row && st->text(0) != "ok") {
        why = std::string(st->text(0));
      } else {
        return store;
      }
    } else {
      why = store.error().message;
    }
    const bool corrupt = why.find("malformed") != std::string::npos ||
                         why.find("not a database") != std::string::npos ||
                         why.find("corrupt") != std::string::npos;
    if (!corrupt || why.find("cannot create") != std::string::npos) return make_error(why);
  }
  // Closed above; move the file and its WAL or journal aside, keep them for inspection.
  moved_to = path + ".corrupt-" + std::to_string(now_utc_ms());
  if (::rename(path.c_str(), moved_to.c_str()) != 0)
    return make_error("database " + path + " is corrupt (" + why +
                      ") and cannot be moved aside: " + std::strerror(errno));
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    (void)::rename((path + suffix).c_str(), (moved_to + suffix).c_str());
  moved_to += " (" + why + ")";
  return open(state_dir);
}

// Every step the store lacks, in one transaction: one commit where a new
// store took ten, each synced to disk.
Status LocalStore::migrate() {
  auto version = db_.scalar("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > sql_text::kSchemaVersion)
    return make_error(db_.path() + " has schema version " + std::to_string(*version) +
                      ", newer than this tracker supports (" +
                      std::to_string(sql_text::kSchemaVersion) + ")");
  if (*version == sql_text::kSchemaVersion) return {};
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  if (*version < 1) {
    if (auto s = db_.exec(sql_text::kMigration1); !s) return s.error();
    // A random device id, made once; identifies this tracker's store.
    unsigned char raw[16];
    UniqueFd rnd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    if (!rnd.valid() || ::read(rnd.get(), raw, sizeof raw) != static_cast<ssize_t>(sizeof raw))
      return make_error("cannot read /dev/urandom for the device id");
    std::string device_id =
        sha256_hex(std::string_view(reinterpret_cast<char*>(raw), sizeof raw)).substr(0, 32);
    auto ins = db_.prepare(sql_text::kInsertMeta);
    if (!ins) return ins.error();
    if (auto s = ins->bind(1, std::string_view("device_id")).bind(2, device_id).run(); !s) return s;
  }
  const std::pair<int, const char*> steps[] = {
      {2, sql_text::kMigration2}, {3, sql_text::kMigration3}, {4, sql_text::kMigration4},
      {5, sql_text::kMigration5}, {6, sql_text::kMigration6}, {7, sql_text::kMigration7},
      {8, sql_text::kMigration8}, {9, sql_text::kMigration9}, {10, sql_text::kMigration10}};
  for (const auto& [to, text] : steps) {
    if (*version >= to) continue;
    if (auto s = db_.exec(text); !s) return s.error();
  }
  const std::string set_version =
      "PRAGMA user_version = " + std::to_string(sql_text::kSchemaVersion);
  if (auto s = db_.exec(set_version.c_str()); !s) return s.error();
  return txn->commit();
}

Status LocalStore::prepare_all() {
  if (auto s = prepare_cursor_statements(); !s) return s;
  return prepare_record_statements();
}

Status LocalStore::end_bulk_load() {
  if (!bulk_) return {};
  bulk_ = false;
  bulk_lookup_ = {};
  candidates_ = {};
  return db_.exec(sql_text::kCreateIndexes);
}

Status LocalStore::begin() {
  if (in_txn_) return {};
  if (auto s = db_.exec("BEGIN IMMEDIATE"); !s) return s;
  in_txn_ = true;
  return {};
}

Status LocalStore::commit() {
  if (!in_txn_) return {};
  in_txn_ = false;
  if (auto s = db_.exec("COMMIT"); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
  }
  // Back to WAL once the bulk load is over. The commit stands either way: a
  // reader holding the store keeps the rollback journal until a later commit.
  if (rollback_journal_ && !bulk_) rollback_journal_ = !try_journal_mode("wal", /*wait=*/false);
  return {};
}

void LocalStore::rollback() {
  if (!in_txn_) return;
  in_txn_ = false;
  (void)db_.exec("ROLLBACK");
  keep_indexes(db_, bulk_);
}

Status LocalStore::savepoint() {
  return db_.exec("SAVEPOINT file_pass");
}
Status LocalStore::release_savepoint() {
  return db_.exec("RELEASE file_pass");
}
Status LocalStore::rollback_to_savepoint() {
  if (auto s = db_.exec("ROLLBACK TO file_pass"); !s) return s;
  if (auto s = db_.exec("RELEASE file_pass"); !s) return s;
  keep_indexes(db_, bulk_);
  return {};
}

Result<std::string> LocalStore::device_id() {
  auto st = db_.prepare(sql_text::kSelectMeta);
  if (!st) return st.error();
  st->bind(1, std::string_view("device_id"));
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return make_error(db_.path() + ": no device id");
  return std::string(st->text(0));
}

}  // namespace codepulse::tracker
