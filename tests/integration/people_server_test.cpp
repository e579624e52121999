// The people directory's admin API on a real server process, and the live
// report cube grouping by it at once: admins only, bad directories refused
// with 400 naming the problem and nothing stored (on SQLite and PostgreSQL).
#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

constexpr int64_t kNov14Late = 1'794'700'200'000;   // 2026-11-14 23:50 UTC
constexpr int64_t kNov15Early = 1'794'701'400'000;  // 2026-11-15 00:10 UTC

// dev moves from api to web on 2026-11-15; dev-gh is their alias.
const char* kDirectory =
    R"({"levels":["L1","L2"],)"
    R"("teams":[{"name":"acme","kind":"org","parent":""},)"
    R"({"name":"api","kind":"team","parent":"acme"},{"name":"web","kind":"team","parent":"acme"}],)"
    R"("people":[{"name":"Dev","email":"Dev@acme.example","aliases":["dev-gh"],)"
    R"("teams":[{"team":"api","from":null,"to":"2026-11-14"},)"
    R"({"team":"web","from":"2026-11-15","to":null}],)"
    R"("levels":[{"level":"L2","from":null,"to":null}]}]})";

}  // namespace

TEST_CASE("the people admin API replaces the directory and live reports follow at once",
          "[collector][people][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  const std::string other = c.token_of(c.token_file("stranger@acme.example"));
  c.start();
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };

  CHECK(call(admin, "GET", "/v1/admin/people").body == R"({"levels":[],"teams":[],"people":[]})");
  for (const auto& [method, path] :
       {std::pair{"GET", "/v1/admin/people"}, std::pair{"PUT", "/v1/admin/people"},
        std::pair{"GET", "/v1/admin/people/unmapped"}}) {
    auto denied = call(viewer, method, path, kDirectory);
    CHECK(denied.status == 403);
    CHECK(denied.body.find("the people admin API needs an admin token; this is a viewer token") !=
          std::string::npos);
  }
  CHECK(call(admin, "GET", "/v1/admin/people").body == R"({"levels":[],"teams":[],"people":[]})");

  // $10 at 23:50 on the 14th, $15 at 00:10 on the 15th (dev); $20 (stranger).
  REQUIRE(https_call(c.port(), c.ca(), "POST", "/v1/batches",
                     {"Authorization: Bearer " + tracker, "Content-Encoding: zstd"},
                     batch_body("b1", {input_record("r1", kNov14Late, 2'000'000, "api"),
                                       input_record("r2", kNov15Early, 3'000'000, "web")}))
              .status == 200);
  REQUIRE(https_call(c.port(), c.ca(), "POST", "/v1/batches",
                     {"Authorization: Bearer " + other, "Content-Encoding: zstd"},
                     batch_body("b2", {input_record("r3", kNov14Late, 4'000'000, "api")}))
              .status == 200);
  const std::string by_team =
      "/v1/report?group_by=team&since=2026-11-01&until=2026-11-30&format=csv";
  std::string body;
  REQUIRE(eventually(kPatienceMs, [&] {
    body = call(viewer, "GET", by_team).body;
    return body.find("(no team),9000000,") != std::string::npos;
  }));

  auto put = call(admin, "PUT", "/v1/admin/people", kDirectory);
  INFO(put.body);
  REQUIRE(put.status == 200);
  CHECK(put.body.find(R"("id":1,"name":"Dev","email":"dev@acme.example","role":"",)"
                      R"("start":null,"end":null,"active":true,"aliases":["dev-gh"],)"
                      R"("teams":[{"team":"api","from":null,"to":"2026-11-14"},)") !=
        std::string::npos);
  // The next report groups by the new directory: the move splits dev's spend
  // at midnight UTC; the stranger stays in "(no team)".
  body = call(viewer, "GET", by_team).body;
  CHECK(body.find("\napi,2000000,") != std::string::npos);
  CHECK(body.find("\nweb,3000000,") != std::string::npos);
  CHECK(body.find("\n(no team),4000000,") != std::string::npos);

  auto unmapped = call(admin, "GET", "/v1/admin/people/unmapped");
  CHECK(unmapped.status == 200);
  CHECK(unmapped.body == R"({"unmapped":[{"author":"stranger@acme.example","records":1,)"
                         R"("commits":0,"cost_usd":20.000000}]})");

  // Bad directories: 400 naming the problem, the stored one unchanged.
  const std::string stored = call(admin, "GET", "/v1/admin/people").body;
  const std::pair<std::string, std::string> bad[] = {
      {R"({"teams":[{"name":"g1","kind":"group","parent":"g2"},)"
       R"({"name":"g2","kind":"group","parent":"g1"}]})",
       "its parents make a cycle"},
      {R"({"teams":[{"name":"x","kind":"squad"}]})", "teams[0].kind: expected org, group or team"},
      {R"({"people":[{"name":"No Mail"}]})", "people[0].email: required"},
      {R"({"people":[{"email":"a@acme.example","aliases":["dev-gh"]},)"
       R"({"email":"b@acme.example","aliases":["DEV-GH"]}]})",
       "'dev-gh' is already a@acme.example's"},
      {"not json", "not"}};
  for (const auto& [request, error] : bad) {
    auto refused = call(admin, "PUT", "/v1/admin/people", request);
    INFO(request << " -> " << refused.body);
    CHECK(refused.status == 400);
    CHECK(refused.body.find(error) != std::string::npos);
  }
  CHECK(call(admin, "GET", "/v1/admin/people").body == stored);
}
