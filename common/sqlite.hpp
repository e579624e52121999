// RAII owners for sqlite3 and sqlite3_stmt, with errors as values.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/c_handles.hpp"
#include "common/result.hpp"

namespace codepulse::sql {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}

  Statement& bind(int index, int64_t value);
  // Not copied: the text must stay alive until step()/run() and reset().
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::optional<int64_t>& value);
  Statement& bind_null(int index);

  // True when a row is available, false when done; errors name the statement.
  Result<bool> step();
  // Runs to completion (for INSERT/UPDATE/DELETE) and resets.
  Status run();
  void reset();

  int64_t int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  std::string_view text(int col) const;
  int columns() const { return sqlite3_column_count(stmt_.get()); }
  std::optional<int64_t> opt_int64(int col) const {
    return is_null(col) ? std::nullopt : std::optional<int64_t>(int64(col));
  }

 private:
  std::unique_ptr<sqlite3_stmt, FnDeleter<sqlite3_finalize>> stmt_;
  sqlite3* db_ = nullptr;
};

class Database {
 public:
  // How long a statement waits for another connection's lock by default.
  static constexpr int kBusyTimeoutMs = 5000;
  // Opens (creating when asked) the database file; sets a busy timeout.
  // `vfs`: a registered SQLite VFS by name; null for the default one.
  static Result<Database> open(const std::string& path, bool create = true,
                               const char* vfs = nullptr);
  // Opens another program's database only to read it while that program
  // writes: SQLITE_OPEN_READONLY (never created, written or checkpointed;
  // not immutable, so its -wal is read too), waiting up to busy_timeout_ms
  // for a lock.
  static Result<Database> open_read_only(const std::string& path, int busy_timeout_ms);
  // 0: a locked database answers SQLITE_BUSY at once.
  void set_busy_timeout(int ms) { sqlite3_busy_timeout(db_.get(), ms); }

  Status exec(const char* sql);
  Result<Statement> prepare(std::string_view sql);
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }
  sqlite3* handle() const { return db_.get(); }
  const std::string& path() const { return path_; }

  // Reads a single integer (e.g. PRAGMA user_version).
  Result<int64_t> scalar(const char* sql);

 private:
  static Result<Database> open_with(const std::string& path, int flags, int busy_timeout_ms,
                                    const char* vfs = nullptr);
  std::unique_ptr<sqlite3, FnDeleter<sqlite3_close_v2>> db_;
  std::string path_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace codepulse::sql
