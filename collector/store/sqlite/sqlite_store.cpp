// The embedded SQLite store: opening it (the file private from its first byte,
// three connections on the guarded VFS, the schema migrated), its prepared
// statements, the uid index rebuilt at open, and its sizes.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <utility>

#include "collector/store/sqlite/sqlite_guarded_vfs.hpp"
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

// Migration 28's counts of the records already stored: each read once, in
// row order, and summed by author and UTC day in memory (a year of a
// thousand authors: 365,000 entries), then written.
Status count_record_days(sql::Database& db) {
  std::map<std::pair<std::string, int64_t>, std::pair<int64_t, int64_t>> days;
  auto rows = db.prepare(sql_text::kSelectRecordDays);
  if (!rows) return rows.error();
  std::pair<int64_t, int64_t>* last = nullptr;  // a batch's rows share an author and day
  std::string last_author;
  int64_t last_day = 0;
  while (true) {
    auto row = rows->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string_view author = rows->text(0);
    const int64_t day = rows->int64(1);
    if (!last || author != last_author || day != last_day) {
      last_author.assign(author);
      last_day = day;
      last = &days[{last_author, day}];
    }
    last->first += 1;
    last->second += rows->int64(2);
  }
  auto set = db.prepare(sql_text::kSetAuthorDayCounts);
  if (!set) return set.error();
  for (const auto& [key, counts] : days) {
    set->bind(1, key.first).bind(2, key.second).bind(3, counts.first);
    if (auto s = set->bind(4, counts.second).run(); !s) return s;
  }
  return {};
}

}  // namespace

int64_t uid_key(std::string_view uid) {
  return static_cast<int64_t>(fnv1a64(uid));
}

Result<sql::Database> open_guarded(const std::string& path) {
  return sql::Database::open(path, /*create=*/false, kGuardedVfs);
}

SqliteStore::~SqliteStore() {
  if (db_.handle()) sqlite3_wal_hook(db_.handle(), nullptr, nullptr);
}

Status SqliteStore::open_connections() {
  const StorageFaults at = storage_faults();
  auto db = open_guarded(path_);
  if (!db) return db.error();
  if (auto s = db->exec(sql_text::kPragmas); !s) return s.error();
  if (sqlite3_create_function(db->handle(), "codepulse_uid_key", 1,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &sql_uid_key, nullptr,
                              nullptr) != SQLITE_OK)
    return make_error(path_ + ": cannot register codepulse_uid_key");
  auto reader = open_guarded(path_);
  if (!reader) return reader.error();
  if (auto s = reader->exec(sql_text::kReaderPragmas); !s) return s.error();
  auto checkpoint = open_guarded(path_);
  if (!checkpoint) return checkpoint.error();
  db_ = std::move(db).value();
  reader_ = std::move(reader).value();
  checkpointer_ = std::make_unique<Checkpointer>(std::move(checkpoint).value());
  sqlite3_wal_hook(db_.handle(), &on_wal_commit, checkpointer_.get());
  opened_sigbus_ = at.sigbus;
  opened_io_ = at.io;
  return {};
}

Status SqliteStore::migrate() {
  auto version = db_.scalar("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > sql_text::kSchemaVersion)
    return make_error(db_.path() + " has schema version " + std::to_string(*version) +
                      ", newer than this collector supports (" +
                      std::to_string(sql_text::kSchemaVersion) + ")");
  // Each step in its own transaction: an interrupted upgrade resumes where it stopped.
  // Each text sets the version it migrates to; a step's code, when it has
  // some, runs after its text in the same transaction.
  struct Step {
    int64_t to;
    const char* text;
    Status (*then)(sql::Database&) = nullptr;
  };
  const Step steps[] = {
      {1, sql_text::kMigration1},   {2, sql_text::kMigration2},
      {3, sql_text::kMigration3},   {4, sql_text::kMigration4},
      {5, sql_text::kMigration5},   {6, sql_text::kMigration6},
      {7, sql_text::kMigration7},   {8, sql_text::kMigration8},
      {9, sql_text::kMigration9},   {10, sql_text::kMigration10},
      {11, sql_text::kMigration11}, {12, sql_text::kMigration12},
      {13, sql_text::kMigration13}, {14, sql_text::kMigration14},
      {15, sql_text::kMigration15}, {16, sql_text::kMigration16},
      {17, sql_text::kMigration17}, {18, sql_text::kMigration18},
      {21, sql_text::kMigration21}, {22, sql_text::kMigration22},
      {23, sql_text::kMigration23}, {24, sql_text::kMigration24},
      {25, sql_text::kMigration25}, {26, sql_text::kMigration26},
      {27, sql_text::kMigration27}, {28, sql_text::kMigration28, count_record_days}};
  for (const auto& [to, text, then] : steps) {
    if (*version >= to) continue;
    auto txn = sql::Transaction::begin(db_);
    if (!txn) return txn.error();
    auto s = db_.exec(text);
    if (s && then) s = then(db_);
    if (s) s = txn->commit();
    if (!s)
      return make_error(db_.path() + ": migrating to schema version " + std::to_string(to) + ": " +
                        s.error().message);
  }
  return {};
}

Status SqliteStore::load_uid_index() {
  return uids_.load(db_);
}

std::vector<sql::Statement*> SqliteStore::statements() {
  return {&insert_token_,
          &select_token_,
          &select_tokens_,
          &revoke_token_,
          &select_batch_,
          &select_rejections_,
          &insert_batch_,
          &insert_rejection_,
          &select_commit_rejections_,
          &insert_commit_rejection_,
          &insert_commit_,
          &insert_commit_file_,
          &insert_commit_rework_,
          &select_commit_copy_,
          &select_pushed_author_,
          &delete_commit_files_,
          &delete_commit_reworks_,
          &delete_commit_,
          &update_commit_file_survival_,
          &select_author_day_,
          &add_author_day_,
          &select_record_day_tokens_,
          &select_identity_,
          &insert_record_,
          &replace_record_,
          &select_usage_fact_,
          &reader_select_token_};
}

Status SqliteStore::prepare_all() {
  const std::string fact =
      std::string("SELECT ") + report::kUsageFactColumns + " FROM usage_records WHERE id = ?1";
  // In the order of statements(); the last one is the reader's.
  const std::string_view texts[] = {sql_text::kInsertToken,
                                    sql_text::kSelectTokenByHash,
                                    sql_text::kSelectTokens,
                                    sql_text::kRevokeToken,
                                    sql_text::kSelectBatch,
                                    sql_text::kSelectBatchRejections,
                                    sql_text::kInsertBatch,
                                    sql_text::kInsertBatchRejection,
                                    sql_text::kSelectCommitRejections,
                                    sql_text::kInsertCommitRejection,
                                    sql_text::kInsertCommit,
                                    sql_text::kInsertCommitFile,
                                    sql_text::kInsertCommitRework,
                                    sql_text::kSelectCommitCopy,
                                    sql_text::kSelectPushedAuthor,
                                    sql_text::kDeleteCommitFiles,
                                    sql_text::kDeleteCommitReworks,
                                    sql_text::kDeleteCommit,
                                    sql_text::kUpdateCommitFileSurvival,
                                    sql_text::kSelectAuthorDay,
                                    sql_text::kAddAuthorDay,
                                    sql_text::kSelectRecordDayTokens,
                                    sql_text::kSelectIdentity,
                                    sql_text::insert_record_sql(),
                                    sql_text::replace_record_sql(),
                                    fact,
                                    sql_text::kSelectTokenByHash};
  const auto targets = statements();
  for (size_t i = 0; i < targets.size(); ++i) {
    auto st = (i + 1 == targets.size() ? reader_ : db_).prepare(texts[i]);
    if (!st) return st.error();
    *targets[i] = std::move(st).value();
  }
  return {};
}

Result<int64_t> SqliteStore::record_count() {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  return reader_.scalar(sql_text::kCountRecords);
}

Result<int64_t> SqliteStore::size_bytes() {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    struct stat st {};
    if (::stat((path_ + suffix).c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

}  // namespace sqlite_store

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteStoreOptions& options) {
  {
    // Create the file ourselves so it is private from the first byte; SQLite
    // gives its -wal and -shm files the same mode.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid())
      return make_error("cannot create database " + path + ": " + std::strerror(errno));
  }
  if (auto s = sqlite_store::register_guarded_vfs(); !s) return s.error();
  auto store = std::make_unique<sqlite_store::SqliteStore>(path, options);
  if (auto s = store->open_connections(); !s) return s.error();
  if (auto s = store->migrate(); !s) return s.error();
  if (auto s = store->prepare_all(); !s) return s.error();
  if (auto s = store->load_uid_index(); !s) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace codepulse::collector
