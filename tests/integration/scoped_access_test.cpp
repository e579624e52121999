// Scoped access on a real HTTPS collector (docs/ACCESS.md): tokens scoped to
// a team, a group or oneself see only the usage of the people inside their
// scope on each day — in the report API as JSON and CSV, the waste ledger,
// the anomalies and the budgets the dashboard reads — organisation-wide
// views are refused to them, a scope naming an unknown team is refused at
// creation, and the privacy floor keeps every total exact.
#include <catch2/catch.hpp>

#include "common/time.hpp"
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

// acme > platform > api, acme > product > web. dev moves from api to web on
// 2026-11-15; ann is in api, sam in web.
const char* kDirectory =
    R"({"levels":[],)"
    R"("teams":[{"name":"acme","kind":"org","parent":""},)"
    R"({"name":"platform","kind":"group","parent":"acme"},)"
    R"({"name":"product","kind":"group","parent":"acme"},)"
    R"({"name":"api","kind":"team","parent":"platform"},)"
    R"({"name":"web","kind":"team","parent":"product"}],)"
    R"("people":[{"name":"Dev","email":"dev@acme.example",)"
    R"("teams":[{"team":"api","from":null,"to":"2026-11-14"},)"
    R"({"team":"web","from":"2026-11-15","to":null}]},)"
    R"({"name":"Ann","email":"ann@acme.example","teams":[{"team":"api","from":null,"to":null}]},)"
    R"({"name":"Sam","email":"sam@acme.example","teams":[{"team":"web","from":null,"to":null}]}]})";

// A viewer or admin token with `scope`, made by the CLI; throws with its
// error when refused.
CommandResult make_token(const std::string& db, const std::string& author, const std::string& role,
                         const std::string& scope) {
  return run({collector_bin(), "token", "create", "--db", db, "--author", author, "--role", role,
              "--scope", scope});
}

std::string last_line(std::string out) {
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

std::string totals_of(const std::string& json) {
  const size_t from = json.find("\"totals\":");
  const size_t to = json.find(",\"unpriced\"");
  return from == std::string::npos || to == std::string::npos ? "" : json.substr(from, to - from);
}

bool holds(const std::string& body, const std::string& what) {
  return body.find(what) != std::string::npos;
}

// The first "id" of a SCIM resource's body.
std::string scim_id(const std::string& body) {
  const size_t at = body.find("\"id\":\"");
  if (at == std::string::npos) return "";
  return body.substr(at + 6, body.find('"', at + 6) - at - 6);
}

std::string scim_user(const std::string& email) {
  return R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":")" + email +
         R"(","emails":[{"primary":true,"value":")" + email + R"(","type":"work"}],"active":true})";
}

std::string scim_group(const std::string& name, const std::vector<std::string>& members) {
  std::string out =
      R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":")" + name +
      R"(","members":[)";
  for (size_t i = 0; i < members.size(); ++i)
    out += (i ? "," : "") + std::string(R"({"value":")") + members[i] + "\"}";
  return out + "]}";
}

}  // namespace

TEST_CASE("scoped tokens see only their scope in every report, export and dashboard view",
          "[collector][access][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string dev = c.token_of(c.token_file("dev@acme.example"));
  const std::string ann = c.token_of(c.token_file("ann@acme.example"));
  const std::string sam = c.token_of(c.token_file("sam@acme.example"));
  const std::string stranger = c.token_of(c.token_file("stranger@acme.example"));
  c.start({"--min-group-size", "2", "--budget-refresh", "1s"});
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };
  REQUIRE(call(admin, "PUT", "/v1/admin/people", kDirectory).status == 200);

  // Scopes are checked against the directory when the token is made.
  auto unknown = make_token(target.db, "lead@acme.example", "viewer", "team:nope");
  CHECK(unknown.exit_code != 0);
  CHECK(holds(unknown.err,
              "--scope: scope 'team:nope': the people directory has no team named "
              "'nope'"));
  auto wrong_kind = make_token(target.db, "lead@acme.example", "viewer", "group:api");
  CHECK(wrong_kind.exit_code != 0);
  CHECK(holds(wrong_kind.err, "'api' is a team; use team:api"));
  auto tracker_scope = make_token(target.db, "x@acme.example", "tracker", "team:api");
  CHECK(tracker_scope.exit_code != 0);
  CHECK(holds(tracker_scope.err, "--scope is for viewer and admin tokens"));

  auto made = make_token(target.db, "lead@acme.example", "viewer", "team:api");
  REQUIRE(made.exit_code == 0);
  const std::string api_viewer = last_line(made.out);
  made = make_token(target.db, "pm@acme.example", "admin", "group:product");
  REQUIRE(made.exit_code == 0);
  const std::string product_admin = last_line(made.out);
  made = make_token(target.db, "ann@acme.example", "viewer", "self");
  REQUIRE(made.exit_code == 0);
  const std::string ann_self = last_line(made.out);
  made = make_token(target.db, "ops@acme.example", "admin", "team:api");
  REQUIRE(made.exit_code == 0);
  const std::string api_admin = last_line(made.out);
  const std::string org_viewer = c.token_of(c.token_file("cfo@acme.example", "viewer"));

  // dev: $10 on the 14th (in api), $15 on the 15th (in web); ann $20, sam
  // $5, stranger (no one in the directory) $30.
  auto send = [&](const std::string& token, const std::string& id, proto::WireRecord r) {
    return https_call(c.port(), c.ca(), "POST", "/v1/batches",
                      {"Authorization: Bearer " + token, "Content-Encoding: zstd"},
                      batch_body(id, {std::move(r)}))
        .status;
  };
  REQUIRE(send(dev, "b1", input_record("r1", kNov14Late, 2'000'000, "api")) == 200);
  REQUIRE(send(dev, "b2", input_record("r2", kNov15Early, 3'000'000, "web")) == 200);
  REQUIRE(send(ann, "b3", input_record("r3", kNov14Late, 4'000'000, "api")) == 200);
  REQUIRE(send(sam, "b4", input_record("r4", kNov15Early, 1'000'000, "web")) == 200);
  REQUIRE(send(stranger, "b5", input_record("r5", kNov14Late, 6'000'000, "api")) == 200);

  const std::string range = "since=2026-11-01&until=2026-11-30";
  const std::string by_person = "/v1/report?group_by=person,date&" + range + "&format=csv";
  // All five batches are in the live reports (the author dimension is the
  // email as sent; the person dimension puts an unknown author elsewhere).
  const std::string by_author = "/v1/report?group_by=author&" + range + "&format=csv";
  REQUIRE(eventually(kPatienceMs,
                     [&] { return holds(call(admin, "GET", by_author).body, "stranger@"); }));
  // What belongs to the organisation (delivery, task classes, hotspots): 403
  // to a partial scope, answered to an organisation-wide caller.
  for (const char* path :
       {"/v1/deployments/stats", "/v1/deployments/bugs", "/v1/tasks/classes", "/v1/hotspots"}) {
    INFO(path);
    const auto refused = call(api_viewer, "GET", path);
    CHECK(refused.status == 403);
    CHECK(holds(refused.body, "team:api"));
    CHECK(call(org_viewer, "GET", path).status == 200);
  }

  SECTION("API JSON and CSV answer within the scope, split at a team move") {
    // An admin scoped to api sees individuals: dev on the 14th only, ann;
    // never sam, the stranger or the 15th.
    const std::string api_csv = call(api_admin, "GET", by_person).body;
    INFO(api_csv);
    CHECK(holds(api_csv, "dev@acme.example,2026-11-14,2000000,"));
    CHECK(holds(api_csv, "ann@acme.example,2026-11-14,4000000,"));
    for (const char* outside : {"sam@", "stranger", "2026-11-15"})
      CHECK_FALSE(holds(api_csv, outside));
    const std::string api_json =
        call(api_admin, "GET", "/v1/report?group_by=author,repo&" + range).body;
    CHECK(holds(api_json, "\"input\":6000000"));
    for (const char* outside : {"sam@", "stranger"})
      CHECK_FALSE(holds(api_json, outside));
    // A viewer scoped to api (under the floor of 2): the team's rows.
    const std::string team_csv =
        call(api_viewer, "GET", "/v1/report?group_by=team,date&" + range + "&format=csv").body;
    INFO(team_csv);
    CHECK(holds(team_csv, "\napi,2026-11-14,6000000,"));
    for (const char* outside : {"web", "(no team)", "2026-11-15", "sam@", "stranger"})
      CHECK_FALSE(holds(team_csv, outside));
    // group:product: dev from the 15th, sam.
    const std::string product_csv = call(product_admin, "GET", by_person).body;
    INFO(product_csv);
    CHECK(holds(product_csv, "dev@acme.example,2026-11-15,3000000,"));
    CHECK(holds(product_csv, "sam@acme.example,2026-11-15,1000000,"));
    for (const char* outside : {"ann@", "stranger", "2026-11-14"})
      CHECK_FALSE(holds(product_csv, outside));
    // self: ann's own usage, unfloored (it is hers).
    const std::string self_csv = call(ann_self, "GET", by_person).body;
    INFO(self_csv);
    CHECK(holds(self_csv, "ann@acme.example,2026-11-14,4000000,"));
    for (const char* outside : {"dev@", "sam@", "stranger"})
      CHECK_FALSE(holds(self_csv, outside));
    // whoami and the session say the scope.
    CHECK(holds(call(api_viewer, "GET", "/v1/whoami").body, R"("scope":"team:api")"));
    CHECK(holds(call(ann_self, "GET", "/v1/session").body, R"("scope":"self:ann@acme.example")"));
  }

  SECTION("the waste ledger, anomalies and budgets answer within the scope") {
    for (const char* format : {"json", "csv"}) {
      for (const std::string& path :
           {"/v1/waste?" + range + "&group_by=author&format=" + std::string(format),
            "/v1/anomalies?" + range + "&format=" + std::string(format)}) {
        auto r = call(api_viewer, "GET", path);
        INFO(path << " -> " << r.body);
        CHECK(r.status == 200);
        for (const char* outside : {"sam@", "stranger"})
          CHECK_FALSE(holds(r.body, outside));
      }
    }
    auto added = call(admin, "POST", "/v1/admin/budgets",
                      R"({"scope":"org","amount_usd":400,"start":"2026-01-01"})");
    REQUIRE(added.status == 200);
    REQUIRE(eventually(kPatienceMs, [&] {
      return holds(call(admin, "GET", "/v1/budgets").body, R"("scope":"org")");
    }));
    auto scoped = call(api_viewer, "GET", "/v1/budgets");
    CHECK(scoped.status == 200);
    CHECK_FALSE(holds(scoped.body, R"("scope":"org")"));
  }

  SECTION("organisation-wide views are refused to a partial scope, with the reason") {
    for (const std::string& path :
         {std::string("/v1/statement?month=2026-11"), std::string("/v1/reconcile?month=2026-11"),
          std::string("/v1/health")}) {
      auto r = call(api_viewer, "GET", path);
      INFO(path << " -> " << r.body);
      CHECK(r.status == 403);
      CHECK(holds(r.body, "covers the whole organisation; your scope is team:api"));
    }
    for (const std::string& path :
         {std::string("/v1/admin/people"), std::string("/v1/admin/export/focus?month=2026-11")}) {
      auto r = call(api_admin, "GET", path);
      INFO(path << " -> " << r.body);
      CHECK(r.status == 403);
      CHECK(holds(r.body, "your scope is team:api"));
    }
    // The scoped admin's reports are of its team.
    const std::string admin_csv = call(api_admin, "GET", by_person).body;
    CHECK(holds(admin_csv, "ann@acme.example"));
    CHECK_FALSE(holds(admin_csv, "sam@"));
    CHECK(call(admin, "GET", "/v1/statement?month=2026-11").status == 200);
  }

  SECTION("the privacy floor merges small rows into (others) and keeps totals exact") {
    // An organisation-wide viewer may not see individuals: each person is
    // one person, so every row folds into "(others)"; an admin sees them.
    const std::string path = "/v1/report?group_by=person&" + range;
    const std::string exact = call(admin, "GET", path).body;
    const std::string floored = call(org_viewer, "GET", path).body;
    INFO(floored);
    CHECK(holds(exact, "dev@acme.example"));
    CHECK(holds(floored, "(others)"));
    for (const char* person : {"dev@", "ann@", "sam@", "stranger"})
      CHECK_FALSE(holds(floored, person));
    REQUIRE_FALSE(totals_of(exact).empty());
    CHECK(totals_of(floored) == totals_of(exact));
    // Teams of two people or more stay; the totals stay exact in CSV too.
    const std::string teams = call(org_viewer, "GET", "/v1/report?group_by=team&" + range).body;
    CHECK(totals_of(teams) == totals_of(exact));
    // A filter leaving one person is refused.
    auto one =
        call(org_viewer, "GET", "/v1/report?group_by=date&where=person=ann@acme.example&" + range);
    CHECK(one.status == 403);
    CHECK(holds(one.body, "below the privacy floor"));
  }
}

TEST_CASE("scopes hold the people and teams SCIM provisions, and follow its changes",
          "[collector][access][scim][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string pay1 = c.token_of(c.token_file("pay1@acme.example"));
  const std::string pay2 = c.token_of(c.token_file("pay2@acme.example"));
  const std::string srch = c.token_of(c.token_file("srch@acme.example"));
  const std::string scim_token = c.token_of(c.token_file("okta", "scim"));
  c.start();
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };
  auto scim = [&](const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(
        c.port(), c.ca(), method, "/scim/v2" + path,
        {"Authorization: Bearer " + scim_token, "Content-Type: application/scim+json"}, body);
  };

  // Okta provisions three people and two teams: Payments (pay1, pay2) and
  // Search (srch).
  std::vector<std::string> ids;
  for (const char* email : {"pay1@acme.example", "pay2@acme.example", "srch@acme.example"}) {
    auto r = scim("POST", "/Users", scim_user(email));
    INFO(r.body);
    REQUIRE(r.status == 201);
    ids.push_back(scim_id(r.body));
  }
  auto payments = scim("POST", "/Groups", scim_group("Payments", {ids[0], ids[1]}));
  INFO(payments.body);
  REQUIRE(payments.status == 201);
  auto search = scim("POST", "/Groups", scim_group("Search", {ids[2]}));
  REQUIRE(search.status == 201);

  // A scope names a SCIM group like any node; one SCIM does not have is refused.
  auto made = make_token(target.db, "lead@acme.example", "viewer", "team:Payments");
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string payments_viewer = last_line(made.out);
  made = make_token(target.db, "pay2@acme.example", "viewer", "self");
  REQUIRE(made.exit_code == 0);
  const std::string pay2_self = last_line(made.out);
  auto unknown = make_token(target.db, "lead@acme.example", "viewer", "team:Billing");
  CHECK(unknown.exit_code != 0);
  CHECK(holds(unknown.err, "no team named 'Billing'"));

  // Each spends today: pay1 2M input tokens, pay2 3M, srch 4M.
  const int64_t now = now_utc_ms();
  auto send = [&](const std::string& token, const std::string& id, int64_t input) {
    return https_call(c.port(), c.ca(), "POST", "/v1/batches",
                      {"Authorization: Bearer " + token, "Content-Encoding: zstd"},
                      batch_body(id, {input_record("r-" + id, now, input, "pay")}))
        .status;
  };
  REQUIRE(send(pay1, "p1", 2'000'000) == 200);
  REQUIRE(send(pay2, "p2", 3'000'000) == 200);
  REQUIRE(send(srch, "s1", 4'000'000) == 200);
  const std::string today = format_date(civil_from_days(now / 86'400'000));
  const std::string by_person =
      "/v1/report?group_by=person&since=" + today + "&until=" + today + "&format=csv";
  REQUIRE(
      eventually(kPatienceMs, [&] { return holds(call(admin, "GET", by_person).body, "srch@"); }));

  const std::string team_csv = call(payments_viewer, "GET", by_person).body;
  INFO(team_csv);
  CHECK(holds(team_csv, "pay1@acme.example,2000000,"));
  CHECK(holds(team_csv, "pay2@acme.example,3000000,"));
  CHECK_FALSE(holds(team_csv, "srch@"));
  const std::string self_csv = call(pay2_self, "GET", by_person).body;
  CHECK(holds(self_csv, "pay2@acme.example,3000000,"));
  CHECK_FALSE(holds(self_csv, "pay1@"));
  CHECK_FALSE(holds(self_csv, "srch@"));

  // Okta moves srch into Payments (a member added to a second team moves
  // there from today): the Payments viewer now sees today's spend of srch.
  auto moved = scim("PATCH", "/Groups/" + scim_id(payments.body),
                    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                    R"("Operations":[{"op":"add","path":"members","value":[{"value":")" +
                        ids[2] + R"("}]}]})");
  INFO(moved.body);
  REQUIRE(moved.status == 200);
  REQUIRE(eventually(kPatienceMs, [&] {
    return holds(call(payments_viewer, "GET", by_person).body, "srch@acme.example,4000000,");
  }));

  // Okta renames Payments (a PATCH of displayName, the group's id kept): the
  // scope follows the node, not its old name, so the viewer keeps its team.
  auto renamed = scim("PATCH", "/Groups/" + scim_id(payments.body),
                      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                      R"("Operations":[{"op":"replace","path":"displayName",)"
                      R"("value":"Payments Core"}]})");
  INFO(renamed.body);
  REQUIRE(renamed.status == 200);
  CHECK(db_text(target.db,
                "SELECT scope FROM collector_tokens WHERE author = "
                "'lead@acme.example'") == "team:Payments Core");
  const std::string after_rename = call(payments_viewer, "GET", by_person).body;
  INFO(after_rename);
  CHECK(holds(after_rename, "pay1@acme.example,2000000,"));
  CHECK(holds(after_rename, "srch@acme.example,4000000,"));
  auto old_name = make_token(target.db, "lead@acme.example", "viewer", "team:Payments");
  CHECK(old_name.exit_code != 0);

  // A deleted (retired) SCIM group is no scope for a new token.
  REQUIRE(scim("DELETE", "/Groups/" + scim_id(search.body)).status == 204);
  auto retired = make_token(target.db, "lead@acme.example", "viewer", "team:Search");
  CHECK(retired.exit_code != 0);
  CHECK(holds(retired.err, "was deleted by SCIM"));
}
