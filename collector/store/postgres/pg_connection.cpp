#include "collector/store/postgres/pg_connection.hpp"

#include <poll.h>

#include <charconv>

namespace codepulse::pg {

Params& Params::add(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  return *this;
}

Params& Params::add(int64_t v) {
  values_.push_back(std::to_string(v));
  null_.push_back(false);
  return *this;
}

Params& Params::add(const std::optional<int64_t>& v) {
  return v ? add(*v) : add_null();
}

Params& Params::add_null() {
  values_.emplace_back();
  null_.push_back(true);
  return *this;
}

void Params::clear() {
  values_.clear();
  null_.clear();
}

const char* const* Params::pointers() const {
  ptrs_.resize(values_.size());
  for (size_t i = 0; i < values_.size(); ++i)
    ptrs_[i] = null_[i] ? nullptr : values_[i].c_str();
  return ptrs_.data();
}

TextArray& TextArray::add(std::string_view v) {
  if (out_.size() > 1) out_ += ',';
  out_ += '"';
  for (const char c : v) {
    if (c == '"' || c == '\\') out_ += '\\';
    out_ += c;
  }
  out_ += '"';
  return *this;
}

TextArray& TextArray::add(int64_t v) {
  if (out_.size() > 1) out_ += ',';
  out_ += std::to_string(v);
  return *this;
}

TextArray& TextArray::add(const std::optional<int64_t>& v) {
  if (v) return add(*v);
  if (out_.size() > 1) out_ += ',';
  out_ += "NULL";
  return *this;
}

std::string_view Rows::text(int row, int col) const {
  return {PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col))};
}

int64_t Rows::int64(int row, int col) const {
  const auto t = text(row, col);
  int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

std::optional<int64_t> Rows::opt_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int64(row, col);
}

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

std::string redact_uri(const std::string& uri) {
  const auto scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  const auto at = uri.find('@', scheme + 3);
  const auto slash = uri.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return uri;
  const auto colon = uri.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

namespace {

std::string describe(PGconn* c, const std::string& uri) {
  if (!c || !PQhost(c)) return "PostgreSQL at " + redact_uri(uri);
  return std::string("PostgreSQL at ") + PQhost(c) + ":" + PQport(c) + "/" + PQdb(c);
}

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  for (char& ch : s)
    if (ch == '\n') ch = ' ';
  return s;
}

}  // namespace

Connection::Connection(PGconn* c, std::string uri, std::string where)
    : conn_(c), uri_(std::move(uri)), where_(std::move(where)) {}

Result<Connection> Connection::open(const std::string& uri) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (!c) return make_error("cannot allocate a PostgreSQL connection");
  const std::string where = describe(c, uri);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(c));
    PQfinish(c);
    return make_error("cannot connect to " + where + ": " + why);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return Connection(c, uri, where);
}

Status Connection::ensure_open() {
  sqlstate_.clear();  // a new statement: an earlier failure says nothing about it
  if (!conn_) {
    auto fresh = open(uri_);
    if (!fresh) return fresh.error();
    *this = std::move(fresh).value();
    return {};
  }
  if (PQstatus(conn_.get()) == CONNECTION_OK && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) {
    // An idle connection has nothing to read, unless the server ended it
    // (restart, failover, idle timeout) and said so: reconnect now rather
    // than fail the next statement. (A rare harmless message costs a
    // reconnect.)
    pollfd p{PQsocket(conn_.get()), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return {};
  } else if (PQstatus(conn_.get()) == CONNECTION_OK) {
    return {};
  }
  prepared_.clear();
  pipelined_ = 0;
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    return make_error(where_ + " is unreachable: " + trimmed(PQerrorMessage(conn_.get())));
  return {};  // PQreset keeps the connection's notice processor
}

Error Connection::fail(std::string_view what, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  std::string why = trimmed(r ? PQresultErrorMessage(r) : nullptr);
  if (why.empty()) why = trimmed(PQerrorMessage(conn_.get()));
  return make_error(where_ + ": " + std::string(what) + ": " + why);
}

bool Connection::last_error_retryable() const {
  return sqlstate_ == "40001" || sqlstate_ == "40P01";
}

Status Connection::exec(std::string_view sql) {
  if (auto s = ensure_open(); !s) return s;
  const std::string text(sql);
  std::unique_ptr<PGresult, FnDeleter<PQclear>> r(PQexec(conn_.get(), text.c_str()));
  const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return fail(text.substr(0, text.find_first_of(" \n")), r.get());
  return {};
}

Result<Rows> Connection::query(const std::string& sql, const Params& params) {
  if (auto s = ensure_open(); !s) return s.error();
  PGresult* r = PQexecParams(conn_.get(), sql.c_str(), params.size(), nullptr, params.pointers(),
                             nullptr, nullptr, 0);
  Rows rows(r);
  const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return fail(sql.substr(0, sql.find_first_of(" \n")), r);
  return rows;
}

Status Connection::prepare(const char* name, const char* sql) {
  if (auto s = ensure_open(); !s) return s;
  if (prepared_.count(name)) return {};
  std::unique_ptr<PGresult, FnDeleter<PQclear>> p(PQprepare(conn_.get(), name, sql, 0, nullptr));
  if (!p || PQresultStatus(p.get()) != PGRES_COMMAND_OK)
    return fail(std::string("prepare ") + name, p.get());
  prepared_.insert(name);
  return {};
}

Result<Rows> Connection::run(const char* name, const char* sql, const Params& params) {
  if (auto s = prepare(name, sql); !s) return s.error();
  PGresult* r =
      PQexecPrepared(conn_.get(), name, params.size(), params.pointers(), nullptr, nullptr, 0);
  Rows rows(r);
  const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(name, r);
  return rows;
}

Status Connection::begin_pipeline() {
  if (auto s = ensure_open(); !s) return s;
  if (PQenterPipelineMode(conn_.get()) != 1) return fail("enter pipeline mode", nullptr);
  pipelined_ = 0;
  return {};
}

Status Connection::send(const char* name, const Params& params) {
  if (!prepared_.count(name))
    return make_error(std::string("statement ") + name + " must be prepared before the pipeline");
  if (PQsendQueryPrepared(conn_.get(), name, params.size(), params.pointers(), nullptr, nullptr,
                          0) != 1)
    return fail(name, nullptr);
  ++pipelined_;
  return {};
}

Result<std::vector<Rows>> Connection::finish_pipeline() {
  std::vector<Rows> out;
  const size_t expected = pipelined_;
  std::optional<Error> first_error;
  if (PQpipelineSync(conn_.get()) != 1) first_error = fail("pipeline sync", nullptr);
  // Each queued command gives its results then a NULL; the sync gives
  // PGRES_PIPELINE_SYNC.
  int idle = 0;
  while (PQstatus(conn_.get()) == CONNECTION_OK) {
    PGresult* r = PQgetResult(conn_.get());
    if (!r) {  // the end of one command's results
      if (++idle > 2) break;
      continue;
    }
    idle = 0;
    const auto st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    Rows rows(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
      out.push_back(std::move(rows));
    else if (!first_error && st != PGRES_PIPELINE_ABORTED)
      first_error = fail("pipelined statement", r);
  }
  if (!first_error && PQstatus(conn_.get()) != CONNECTION_OK)
    first_error = make_error(where_ + ": the connection was lost during a pipeline");
  PQexitPipelineMode(conn_.get());
  pipelined_ = 0;
  if (first_error) return *first_error;
  if (out.size() != expected)
    return make_error(where_ + ": a pipeline returned " + std::to_string(out.size()) +
                      " results for " + std::to_string(expected) + " statements");
  return out;
}

}  // namespace codepulse::pg
