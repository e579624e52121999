#include "common/sqlite.hpp"

#include <utility>

namespace codepulse::sql {

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // SQLITE_STATIC: callers keep the text alive until the statement is reset.
  sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = "sqlite: ";
  msg += sqlite3_errmsg(db_);
  msg += " (in: ";
  const char* sql = sqlite3_sql(stmt_.get());
  msg += std::string_view(sql ? sql : "?").substr(0, 80);
  msg += ")";
  return make_error(std::move(msg));
}

Status Statement::run() {
  auto r = step();
  reset();
  if (!r) return r.error();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string_view Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  const int n = sqlite3_column_bytes(stmt_.get(), col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(n)};
}

Result<Database> Database::open_with(const std::string& path, int flags, int busy_timeout_ms,
                                     const char* vfs) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, vfs);
  Database db;
  db.db_.reset(raw);
  db.path_ = path;
  if (rc != SQLITE_OK) {
    return make_error("cannot open database " + path + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Result<Database> Database::open(const std::string& path, bool create, const char* vfs) {
  return open_with(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), kBusyTimeoutMs,
                   vfs);
}

Result<Database> Database::open_read_only(const std::string& path, int busy_timeout_ms) {
  return open_with(path, SQLITE_OPEN_READONLY, busy_timeout_ms);
}

Status Database::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = "sqlite (" + path_ + "): " + (err ? err : "unknown error");
    sqlite3_free(err);
    return make_error(std::move(msg));
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return make_error("sqlite (" + path_ + "): cannot prepare '" + std::string(sql.substr(0, 60)) +
                      "...': " + sqlite3_errmsg(db_.get()));
  }
  return Statement(stmt, db_.get());
}

Result<int64_t> Database::scalar(const char* sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return *row ? st->int64(0) : 0;
}

Result<Transaction> Transaction::begin(Database& db) {
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s.error();
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Database* db = std::exchange(db_, nullptr);
  auto status = db->exec("COMMIT");
  if (!status) (void)db->exec("ROLLBACK");
  return status;
}

}  // namespace codepulse::sql
