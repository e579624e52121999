// The embedded SQLite store: opening it (the file private from its first byte,
// three connections, the schema migrated), its prepared statements, the uid
// index rebuilt at open, and its sizes.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "collector/store/sqlite/sqlite_schema.hpp"
#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "common/c_handles.hpp"
#include "common/hashing.hpp"
#include "common/report/usage_source.hpp"

namespace codepulse::collector {
namespace sqlite_store {
namespace {

void sql_uid_key(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = sqlite3_value_text(argv[0]);
  const int n = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(
      ctx, uid_key(std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(n))));
}

}  // namespace

int64_t uid_key(std::string_view uid) {
  return static_cast<int64_t>(fnv1a64(uid));
}

SqliteStore::SqliteStore(sql::Database db, sql::Database reader, sql::Database checkpoint)
    : db_(std::move(db)),
      reader_(std::move(reader)),
      checkpointer_(std::make_unique<Checkpointer>(std::move(checkpoint))) {
  sqlite3_wal_hook(db_.handle(), &on_wal_commit, checkpointer_.get());
}

SqliteStore::~SqliteStore() {
  sqlite3_wal_hook(db_.handle(), nullptr, nullptr);
}

Status SqliteStore::migrate() {
  auto version = db_.scalar("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > sql_text::kSchemaVersion)
    return make_error(db_.path() + " has schema version " + std::to_string(*version) +
                      ", newer than this collector supports (" +
                      std::to_string(sql_text::kSchemaVersion) + ")");
  // Each step in its own transaction: an interrupted upgrade resumes where it stopped.
  const char* const steps[sql_text::kSchemaVersion] = {
      sql_text::kMigration1, sql_text::kMigration2, sql_text::kMigration3,
      sql_text::kMigration4, sql_text::kMigration5, sql_text::kMigration6,
      sql_text::kMigration7, sql_text::kMigration8, sql_text::kMigration9};
  for (int64_t v = *version; v < sql_text::kSchemaVersion; ++v) {
    auto txn = sql::Transaction::begin(db_);
    if (!txn) return txn.error();
    auto s = db_.exec(steps[v]);
    if (s) s = txn->commit();
    if (!s)
      return make_error(db_.path() + ": migrating to schema version " + std::to_string(v + 1) +
                        ": " + s.error().message);
  }
  return {};
}

Status SqliteStore::load_uid_index() {
  auto st = db_.prepare(sql_text::kSelectUidKeys);
  if (!st) return st.error();
  uids_.clear();
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    uids_.insert(static_cast<uint64_t>(st->int64(0)), st->int64(1));
  }
  return {};
}

Status SqliteStore::prepare_all() {
  struct Item {
    sql::Statement* st;
    std::string_view text;
  };
  const Item items[] = {{&insert_token_, sql_text::kInsertToken},
                        {&select_token_, sql_text::kSelectTokenByHash},
                        {&select_tokens_, sql_text::kSelectTokens},
                        {&revoke_token_, sql_text::kRevokeToken},
                        {&select_batch_, sql_text::kSelectBatch},
                        {&select_rejections_, sql_text::kSelectBatchRejections},
                        {&insert_batch_, sql_text::kInsertBatch},
                        {&insert_rejection_, sql_text::kInsertBatchRejection},
                        {&select_commit_rejections_, sql_text::kSelectCommitRejections},
                        {&insert_commit_rejection_, sql_text::kInsertCommitRejection},
                        {&insert_commit_, sql_text::kInsertCommit},
                        {&insert_commit_file_, sql_text::kInsertCommitFile},
                        {&insert_commit_rework_, sql_text::kInsertCommitRework},
                        {&select_commit_copy_, sql_text::kSelectCommitCopy},
                        {&select_pushed_author_, sql_text::kSelectPushedAuthor},
                        {&delete_commit_files_, sql_text::kDeleteCommitFiles},
                        {&delete_commit_reworks_, sql_text::kDeleteCommitReworks},
                        {&delete_commit_, sql_text::kDeleteCommit},
                        {&select_identity_, sql_text::kSelectIdentity},
                        {&insert_record_, sql_text::insert_record_sql()},
                        {&replace_record_, sql_text::replace_record_sql()}};
  for (const auto& item : items) {
    auto st = db_.prepare(item.text);
    if (!st) return st.error();
    *item.st = std::move(st).value();
  }
  auto fact = db_.prepare(std::string("SELECT ") + report::kUsageFactColumns +
                          " FROM usage_records WHERE id = ?1");
  if (!fact) return fact.error();
  select_usage_fact_ = std::move(fact).value();
  auto st = reader_.prepare(sql_text::kSelectTokenByHash);
  if (!st) return st.error();
  reader_select_token_ = std::move(st).value();
  return {};
}

Result<int64_t> SqliteStore::record_count() {
  std::lock_guard lock(reader_mu_);
  return reader_.scalar(sql_text::kCountRecords);
}

Result<int64_t> SqliteStore::size_bytes() {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    struct stat st {};
    if (::stat((db_.path() + suffix).c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

}  // namespace sqlite_store

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  {
    // Create the file ourselves so it is private from the first byte; SQLite
    // gives its -wal and -shm files the same mode.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid())
      return make_error("cannot create database " + path + ": " + std::strerror(errno));
  }
  auto db = sql::Database::open(path);
  if (!db) return db.error();
  if (auto s = db->exec(sql_text::kPragmas); !s) return s.error();
  if (sqlite3_create_function(db->handle(), "codepulse_uid_key", 1,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                              &sqlite_store::sql_uid_key, nullptr, nullptr) != SQLITE_OK)
    return make_error(path + ": cannot register codepulse_uid_key");
  auto reader = sql::Database::open(path, /*create=*/false);
  if (!reader) return reader.error();
  if (auto s = reader->exec(sql_text::kReaderPragmas); !s) return s.error();
  auto checkpoint = sql::Database::open(path, /*create=*/false);
  if (!checkpoint) return checkpoint.error();
  auto store = std::make_unique<sqlite_store::SqliteStore>(
      std::move(db).value(), std::move(reader).value(), std::move(checkpoint).value());
  if (auto s = store->migrate(); !s) return s.error();
  if (auto s = store->prepare_all(); !s) return s.error();
  if (auto s = store->load_uid_index(); !s) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace codepulse::collector
