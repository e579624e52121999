// The stores a collector test runs against: "sqlite" (a file in the test's
// directory) and "postgresql" (a fresh database on the test process's own
// PostgreSQL server, pg_server.hpp). CODEPULSE_STORE_TARGET runs the test
// once per store (Catch2 GENERATE) and skips PostgreSQL (skip.hpp) on a
// machine without its server binaries.
#pragma once

#include <optional>
#include <string>

#include "collector/store/store.hpp"
#include "tests/support/pg_server.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {

struct StoreTarget {
  std::string kind;  // "sqlite" or "postgresql"
  std::string db;    // what --db takes: a file path or a postgresql:// URI
  bool postgres() const { return kind == "postgresql"; }
};

// nullopt when the kind is not available here (PgServer::why() says why).
std::optional<StoreTarget> store_target(const std::string& kind, const TempDir& dir);

// The first column of the first row `sql` returns in `db`, as text ("" for NULL).
std::string db_text(const std::string& db, const std::string& sql);
// Runs statements that return no rows (DDL, say) in `db`; throws on failure.
void db_exec(const std::string& db, const std::string& sql);

}  // namespace codepulse::test

#define CODEPULSE_STORE_TARGET(var, dir)                                              \
  const std::string var##_kind = GENERATE(as<std::string>(), "sqlite", "postgresql"); \
  const auto var##_found = ::codepulse::test::store_target(var##_kind, dir);          \
  if (!var##_found) CODEPULSE_SKIP(::codepulse::test::PgServer::why());               \
  const ::codepulse::test::StoreTarget& var = *var##_found;                           \
  INFO("store: " << var.kind)
