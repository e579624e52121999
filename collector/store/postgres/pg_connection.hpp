// RAII owners for libpq's PGconn and PGresult, with errors as values. A
// connection prepares its statements on first use (again after a reconnect)
// and keeps the SQLSTATE of its last error, so callers can retry
// serialization failures and deadlocks.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/c_handles.hpp"
#include "common/result.hpp"

namespace codepulse::pg {

// Text-format parameters, $1 first.
class Params {
 public:
  Params& add(std::string_view v);
  Params& add(int64_t v);
  Params& add(const std::optional<int64_t>& v);
  Params& add_null();
  void clear();
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* pointers() const;

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  mutable std::vector<const char*> ptrs_;
};

// A one-dimensional array parameter in PostgreSQL's text form: {"a",NULL,"b"}.
class TextArray {
 public:
  TextArray& add(std::string_view v);
  TextArray& add(int64_t v);
  TextArray& add(const std::optional<int64_t>& v);
  std::string str() const { return out_ + "}"; }

 private:
  std::string out_ = "{";
};

// The rows of a statement, read as text.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* r) : r_(r) {}
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view text(int row, int col) const;
  int64_t int64(int row, int col) const;  // 0 when NULL
  std::optional<int64_t> opt_int64(int row, int col) const;
  int64_t affected() const;  // rows an INSERT/UPDATE/DELETE touched

 private:
  std::unique_ptr<PGresult, FnDeleter<PQclear>> r_;
};

class Connection {
 public:
  // Connects now; the error names the server (never its password).
  static Result<Connection> open(const std::string& uri);
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // One or more statements without parameters.
  Status exec(std::string_view sql);
  Result<Rows> query(const std::string& sql, const Params& params = {});
  // Prepares `sql` under `name` unless this connection already has it.
  Status prepare(const char* name, const char* sql);
  // Runs a prepared statement, preparing it on first use on this connection.
  Result<Rows> run(const char* name, const char* sql, const Params& params);

  // Pipelined: queue prepared statements (prepare them first), then collect
  // every result in order with finish_pipeline (one round trip for all of
  // them). The first error aborts the rest and is returned.
  Status begin_pipeline();
  Status send(const char* name, const Params& params);
  Result<std::vector<Rows>> finish_pipeline();

  // Before each statement: reconnects when the server closed the connection
  // (restart, failover), and forgets the last error's SQLSTATE.
  Status ensure_open();
  bool broken() const { return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  // SQLSTATE of the last statement's failure ("" when it succeeded, or the
  // failure was not the server's).
  const std::string& last_sqlstate() const { return sqlstate_; }
  // 40001 (serialization failure) and 40P01 (deadlock): run the transaction again.
  bool last_error_retryable() const;
  const std::string& where() const { return where_; }

 private:
  Connection(PGconn* c, std::string uri, std::string where);
  Error fail(std::string_view what, const PGresult* r);

  std::unique_ptr<PGconn, FnDeleter<PQfinish>> conn_;
  std::string uri_, where_;  // where_: "PostgreSQL at host:port/db"
  std::string sqlstate_;
  std::unordered_set<std::string> prepared_;
  size_t pipelined_ = 0;
};

// `uri` with a password (user:secret@) replaced by "***".
std::string redact_uri(const std::string& uri);

}  // namespace codepulse::pg
