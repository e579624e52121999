// The audit log on a real collector (SQLite and PostgreSQL): each kind of
// event lands once (a report viewed, a CSV exported, the people directory
// replaced, tokens created and revoked), never with a token's value; only
// admins read it; `audit export` equals `audit list` and GET /v1/admin/audit.
#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("the audit log keeps each event once, for admins only, and exports what it lists",
          "[collector][audit][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  c.token_file("leaver@acme.example");  // token 4, revoked below
  c.start();
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };

  REQUIRE(call(viewer, "GET", "/v1/report?group_by=date&since=2026-11-01").status == 200);
  REQUIRE(call(viewer, "GET", "/v1/report?group_by=model&since=2026-11-01&format=csv").status ==
          200);
  REQUIRE(call(viewer, "GET", "/v1/report?group_by=nonsense").status == 400);  // not kept
  REQUIRE(call(admin, "PUT", "/v1/admin/people",
               R"({"teams":[{"name":"api","kind":"team","parent":""}],"people":[]})")
              .status == 200);
  REQUIRE(run_collector({"token", "revoke", "--db", c.db(), "--id", "4"}).exit_code == 0);

  for (const std::string& token : {viewer, tracker}) {
    auto refused = call(token, "GET", "/v1/admin/audit");
    CHECK(refused.status == 403);
    CHECK(refused.body.find("the audit log needs an admin token") != std::string::npos);
  }
  auto listed = run_collector({"audit", "list", "--db", c.db(), "--format", "csv"});
  REQUIRE(listed.exit_code == 0);
  const std::string& csv = listed.out;
  INFO(csv);
  CHECK(count_of(csv, ",token.create,") == 4);
  CHECK(count_of(csv, ",token.revoke,token 4,") == 1);
  CHECK(count_of(csv,
                 ",lead@acme.example (viewer token 2),report.view,GET "
                 "/v1/report?group_by=date&since=2026-11-01,") == 1);
  CHECK(count_of(csv,
                 ",report.export,GET /v1/report?group_by=model&since=2026-11-01&format=csv,") == 1);
  CHECK(count_of(csv, "report.") == 2);
  CHECK(count_of(csv, ",admin@acme.example (admin token 1),people.replace,PUT /v1/admin/people,") ==
        1);
  for (const std::string& token : {admin, viewer, tracker})
    CHECK(csv.find(token) == std::string::npos);

  // The export equals the list, and the API answers the same events.
  auto exported = run_collector({"audit", "export", "--db", c.db()});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out == csv);
  auto list_json = run_collector(
      {"audit", "list", "--db", c.db(), "--format", "json", "--actor", "lead@acme.example"});
  auto export_json = run_collector(
      {"audit", "export", "--db", c.db(), "--format", "json", "--actor", "lead@acme.example"});
  REQUIRE(list_json.exit_code == 0);
  CHECK(export_json.out == list_json.out);
  auto api = call(admin, "GET", "/v1/admin/audit?actor=lead%40acme.example");
  CHECK(api.status == 200);
  CHECK(api.body + "\n" == list_json.out);
  CHECK(count_of(api.body, "\"action\":") == 2);
  // Reading the log is itself kept.
  CHECK(run_collector(
            {"audit", "list", "--db", c.db(), "--format", "csv", "--actor", "admin@acme.example"})
            .out.find(",audit.view,GET /v1/admin/audit?actor=lead%40acme.example,") !=
        std::string::npos);

  // Bad bounds and formats are refused, naming the bound.
  auto bad = run_collector({"audit", "list", "--db", c.db(), "--since", "yesterday"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("since: 'yesterday' is not a day (YYYY-MM-DD) or an ISO instant") !=
        std::string::npos);
  CHECK(call(admin, "GET", "/v1/admin/audit?format=xml").status == 400);
  CHECK(call(admin, "GET", "/v1/admin/audit?since=2026-12-02&until=2026-12-01").status == 400);
}
