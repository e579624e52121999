// Migration 23 (docs/ACCESS.md; docs/RELIABILITY.md row 409), in both stores:
// a store from before scopes of access is upgraded with single sign-on
// sessions open. Those sessions end, since they were opened before groups
// mapped to scopes and would otherwise see the whole organisation; tokens
// made before keep the whole organisation, as they had.
#include <catch2/catch.hpp>

#include "collector/store/sso_rows.hpp"
#include "collector/store/store.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

// Takes a current store back to schema 22: the columns migrations 23 to 26
// added are dropped and the version set back, so opening it runs them again.
void back_to_schema_22(const StoreTarget& target) {
  std::string sql =
      "ALTER TABLE pull_requests DROP COLUMN labels;"
      "ALTER TABLE pull_requests DROP COLUMN labels_ms;"
      "ALTER TABLE collector_tokens DROP COLUMN scope;"
      "ALTER TABLE sso_sessions DROP COLUMN scope;"
      "ALTER TABLE commit_reworks DROP COLUMN ai_lines;"
      "ALTER TABLE commit_reworks DROP COLUMN kind;"
      "ALTER TABLE author_day_tokens DROP COLUMN records;"
      "ALTER TABLE author_day_tokens DROP COLUMN revisions;";
  for (const char* column :
       {"lines_alive_21d", "ai_lines_alive_21d", "lines_alive_90d", "ai_lines_alive_90d",
        "ai_blocks", "ai_blocks_repeated", "other_blocks", "other_blocks_repeated"})
    sql += std::string("ALTER TABLE commit_files DROP COLUMN ") + column + ";";
  sql += target.postgres() ? "DELETE FROM codepulse_schema WHERE version >= 23;"
                           : "DROP TABLE uid_index; DROP TABLE uid_index_state;"
                             "PRAGMA user_version = 22;";
  db_exec(target.db, sql);
}

// A session of lead@acme.example, its id hash `c` 64 times, opened at `created_ms`.
SsoSession lead_session(char c, int64_t created_ms, const std::string& scope = "org") {
  SsoSession session;
  session.id_hash = std::string(64, c);
  session.email = "lead@acme.example";
  session.role = "viewer";
  session.csrf = std::string("csrf-") + c;
  session.created_ms = created_ms;
  session.expires_ms = 4'000'000'000'000;
  session.scope = scope;
  return session;
}

std::string schema_version(const StoreTarget& target) {
  return db_text(target.db, target.postgres() ? "SELECT max(version) FROM codepulse_schema"
                                              : "PRAGMA user_version");
}

}  // namespace

TEST_CASE(
    "a store upgraded to schema 23 ends its single sign-on sessions, and tokens keep the "
    "whole organisation",
    "[collector][access][sso]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  std::string viewer_token;
  {
    auto store = open_store(target.db);
    REQUIRE(store);
    auto made = (*store)->create_token("lead@acme.example", Role::kViewer, "lead's laptop");
    REQUIRE(made);
    viewer_token = *made;
    const SsoSession session = lead_session('a', 1'000);
    REQUIRE((*store)->add_sso_session(session));
    REQUIRE(*(*store)->find_sso_session(session.id_hash, 2'000));
  }
  back_to_schema_22(target);
  CHECK(schema_version(target) == "22");
  CHECK(db_text(target.db, "SELECT count(*) FROM sso_sessions") == "1");

  auto store = open_store(target.db);
  REQUIRE(store);
  CHECK(schema_version(target) == "28");
  // The session opened before scopes is gone: its holder signs in again.
  CHECK(db_text(target.db, "SELECT count(*) FROM sso_sessions") == "0");
  auto found = (*store)->find_sso_session(std::string(64, 'a'), 2'000);
  REQUIRE(found);
  CHECK_FALSE(*found);
  // The token still opens, with the whole organisation as before.
  auto who = (*store)->authenticate(viewer_token);
  REQUIRE(who);
  REQUIRE(*who);
  CHECK((*who)->author == "lead@acme.example");
  CHECK((*who)->role == Role::kViewer);
  CHECK((*who)->scope == "org");
  // Sessions opened after the upgrade are kept, with their scope.
  const SsoSession after = lead_session('b', 3'000, "team:api");
  REQUIRE((*store)->add_sso_session(after));
  auto kept = (*store)->find_sso_session(after.id_hash, 4'000);
  REQUIRE(kept);
  REQUIRE(*kept);
  CHECK((**kept).scope == "team:api");
}
