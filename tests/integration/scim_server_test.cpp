// SCIM 2.0 provisioning on a real collector (HTTPS on 127.0.0.1, SQLite and
// PostgreSQL): request sequences shaped as Okta and Entra ID send them,
// their effect on reports grouped by person and team (a move today splits a
// person's spend at midnight UTC), every bad input refused in SCIM's error
// form with nothing stored, and the SCIM token kept apart from every other.
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

constexpr int64_t kDayMs = 86'400'000;
const char* kUser = R"("urn:ietf:params:scim:schemas:core:2.0:User")";
const char* kGroup = R"("urn:ietf:params:scim:schemas:core:2.0:Group")";
const char* kPatch = R"("urn:ietf:params:scim:api:messages:2.0:PatchOp")";

std::string day(int64_t ms) {
  return format_date(civil_from_days(ms / kDayMs));
}

// The first "id" of a SCIM resource's body.
std::string id_of(const std::string& body) {
  const size_t at = body.find("\"id\":\"");
  if (at == std::string::npos) return "";
  return body.substr(at + 6, body.find('"', at + 6) - at - 6);
}

std::string patch(const std::string& operations) {
  return std::string(R"({"schemas":[)") + kPatch + R"(],"Operations":)" + operations + "}";
}

struct Scim {
  CollectorFixture& c;
  std::string token;
  HttpsResponse operator()(const std::string& method, const std::string& path,
                           const std::string& body = "") const {
    return https_call(c.port(), c.ca(), method, "/scim/v2" + path,
                      {"Authorization: Bearer " + token, "Content-Type: application/scim+json"},
                      body);
  }
};

// The directory before SCIM: dev@acme.example in team api (group platform,
// org acme) since January.
const char* kDirectory = R"({"levels":["L1","L2"],)"
                         R"("teams":[{"name":"acme","kind":"org","parent":""},)"
                         R"({"name":"platform","kind":"group","parent":"acme"},)"
                         R"({"name":"api","kind":"team","parent":"platform"}],)"
                         R"("people":[{"name":"Dev","email":"dev@acme.example",)"
                         R"("teams":[{"team":"api","from":"2026-01-01","to":null}],)"
                         R"("levels":[{"level":"L1","from":"2026-01-01","to":null}]}]})";

}  // namespace

TEST_CASE("SCIM as Okta pushes it: users, groups, a move today and a deactivation, in reports",
          "[collector][scim][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  const Scim scim{c, c.token_of(c.token_file("okta", "scim"))};
  c.start();
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };
  REQUIRE(call(admin, "PUT", "/v1/admin/people", kDirectory).status == 200);

  // dev spends 2M input tokens yesterday and 3M today.
  const int64_t now = now_utc_ms();
  const int64_t midnight = now / kDayMs * kDayMs;
  REQUIRE(https_call(c.port(), c.ca(), "POST", "/v1/batches",
                     {"Authorization: Bearer " + tracker, "Content-Encoding: zstd"},
                     batch_body("b1", {input_record("r1", midnight - 3'600'000, 2'000'000, "x"),
                                       input_record("r2", midnight + (now - midnight) / 2,
                                                    3'000'000, "x")}))
              .status == 200);
  const std::string by_team = "/v1/report?group_by=team&since=" + day(midnight - kDayMs) +
                              "&until=" + day(midnight) + "&format=csv";
  std::string report;
  REQUIRE(eventually(kPatienceMs, [&] {
    report = call(viewer, "GET", by_team).body;
    return report.find("\napi,5000000,") != std::string::npos;
  }));

  // Okta looks the user up by userName, then creates the one it does not find.
  auto found = scim("GET",
                    "/Users?filter=userName%20eq%20%22DEV%40acme.example%22&startIndex=1"
                    "&count=100");
  INFO(found.body);
  CHECK(found.status == 200);
  CHECK(found.has("Content-Type: application/scim+json"));
  CHECK(found.body.find(R"("totalResults":1,"startIndex":1,"itemsPerPage":1)") !=
        std::string::npos);
  const std::string dev = id_of(found.body.substr(found.body.find("Resources")));
  CHECK(dev == "1");
  CHECK(scim("GET", "/Users?filter=userName%20eq%20%22new%40acme.example%22")
            .body.find(R"("totalResults":0)") != std::string::npos);
  auto created =
      scim("POST", "/Users",
           std::string(R"({"schemas":[)") + kUser +
               R"(],"userName":"new@acme.example","name":{"givenName":"New","familyName":"Hire"},)"
               R"("emails":[{"primary":true,"value":"new@acme.example","type":"work"}],)"
               R"("active":true,"password":"never-stored"})");
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string hire = id_of(created.body);
  CHECK(created.has("Location: /scim/v2/Users/" + hire));
  CHECK(created.body.find(R"("displayName":"New Hire")") != std::string::npos);
  CHECK(created.body.find("never-stored") == std::string::npos);

  // A group pushed, dev added to it today: dev moves from api to web.
  auto group =
      scim("POST", "/Groups",
           std::string(R"({"schemas":[)") + kGroup + R"(],"displayName":"web","members":[]})");
  INFO(group.body);
  REQUIRE(group.status == 201);
  const std::string web = id_of(group.body);
  auto added = scim("PATCH", "/Groups/" + web,
                    patch(R"([{"op":"add","path":"members","value":[{"value":")" + dev +
                          R"(","display":"dev@acme.example"}]}])"));
  INFO(added.body);
  CHECK(added.status == 200);
  CHECK(added.body.find(R"("members":[{"value":")" + dev + "\"") != std::string::npos);
  report = call(viewer, "GET", by_team).body;
  INFO(report);
  CHECK(report.find("\napi,2000000,") != std::string::npos);
  CHECK(report.find("\nweb,3000000,") != std::string::npos);
  const std::string people = call(admin, "GET", "/v1/admin/people").body;
  CHECK(people.find(R"({"team":"api","from":"2026-01-01","to":")" + day(midnight - kDayMs) +
                    "\"}") != std::string::npos);
  CHECK(people.find(R"({"team":"web","from":")" + day(midnight) + R"(","to":null})") !=
        std::string::npos);
  CHECK(scim("GET", "/Users/" + dev)
            .body.find(R"("groups":[{"value":")" + web + R"(","display":"web")") !=
        std::string::npos);

  // Deactivation as Okta sends it: a replace without a path.
  auto off =
      scim("PATCH", "/Users/" + hire, patch(R"([{"op":"replace","value":{"active":false}}])"));
  INFO(off.body);
  CHECK(off.status == 200);
  CHECK(off.body.find(R"("active":false)") != std::string::npos);
  CHECK(call(admin, "GET", "/v1/admin/people")
            .body.find(R"("email":"new@acme.example","role":"","start":null,"end":")" +
                       day(midnight) + R"(","active":false)") != std::string::npos);

  // A rename (PUT, as Okta pushes a group's new name) regroups today's spend.
  auto renamed =
      scim("PUT", "/Groups/" + web,
           std::string(R"({"schemas":[)") + kGroup + R"(],"id":")" + web +
               R"(","displayName":"web-platform","members":[{"value":")" + dev + R"("}]})");
  INFO(renamed.body);
  CHECK(renamed.status == 200);
  CHECK(call(viewer, "GET", by_team).body.find("\nweb-platform,3000000,") != std::string::npos);
  // Removed today: dev's today is in no team; yesterday stays api's.
  CHECK(scim("PATCH", "/Groups/" + web,
             patch(R"([{"op":"remove","path":"members[value eq \")" + dev + R"(\"]"}])"))
            .status == 200);
  report = call(viewer, "GET", by_team).body;
  CHECK(report.find("\napi,2000000,") != std::string::npos);
  CHECK(report.find("\n(no team),3000000,") != std::string::npos);
  CHECK(call(viewer, "GET",
             "/v1/report?group_by=person&since=" + day(midnight - kDayMs) +
                 "&until=" + day(midnight) + "&format=csv")
            .body.find("\ndev@acme.example,5000000,") != std::string::npos);

  // Each change is in the audit log once, under the SCIM token's name.
  const std::string audit = call(admin, "GET", "/v1/admin/audit?actor=scim%20okta&format=csv").body;
  INFO(audit);
  for (const char* action :
       {",scim.user.create,", ",scim.group.create,", ",scim.user.patch,", ",scim.group.replace,"}) {
    const size_t at = audit.find(action);
    CHECK(at != std::string::npos);
    CHECK(audit.find(action, at + 1) == std::string::npos);
  }
  CHECK(audit.find("never-stored") == std::string::npos);
}

TEST_CASE("SCIM as Entra ID pushes it: externalId, capitalised ops, filtered paths and deletes",
          "[collector][scim][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@contoso.example", "admin"));
  const Scim scim{c, c.token_of(c.token_file("entra", "scim"))};
  c.start();

  auto created = scim(
      "POST", "/Users",
      std::string(R"({"schemas":[)") + kUser +
          R"(,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],)"
          R"("externalId":"0a21f0f2-8d2a","userName":"ada@contoso.example","active":true,)"
          R"("displayName":"Ada","emails":[{"primary":true,"type":"work","value":"ada@contoso.example"}],)"
          R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}})");
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string ada = id_of(created.body);
  auto by_external = scim("GET", "/Users?filter=externalId%20eq%20%220a21f0f2-8d2a%22");
  CHECK(by_external.body.find(R"("totalResults":1)") != std::string::npos);
  CHECK(by_external.body.find(R"("userName":"ada@contoso.example")") != std::string::npos);

  auto changed = scim(
      "PATCH", "/Users/" + ada,
      patch(
          R"([{"op":"Replace","path":"displayName","value":"Ada L."},)"
          R"({"op":"Add","path":"emails[type eq \"work\"].value","value":"ada.l@contoso.example"},)"
          R"({"op":"Replace","path":"urn:codepulse:scim:schemas:2.0:User:aliases","value":["ada-gh"]}])"));
  INFO(changed.body);
  REQUIRE(changed.status == 200);
  CHECK(changed.body.find(R"("userName":"ada@contoso.example")") != std::string::npos);
  CHECK(changed.body.find(R"("displayName":"Ada L.")") != std::string::npos);
  const std::string directory =
      https_call(c.port(), c.ca(), "GET", "/v1/admin/people", {"Authorization: Bearer " + admin})
          .body;
  CHECK(directory.find(R"("name":"Ada L.","email":"ada.l@contoso.example")") != std::string::npos);
  CHECK(directory.find(R"("aliases":["ada-gh","ada@contoso.example"])") != std::string::npos);

  auto group = scim("POST", "/Groups",
                    std::string(R"({"schemas":[)") + kGroup +
                        R"(],"externalId":"7f3e","displayName":"research","members":[]})");
  REQUIRE(group.status == 201);
  const std::string research = id_of(group.body);
  CHECK(scim("PATCH", "/Groups/" + research,
             patch(R"([{"op":"Add","path":"members","value":[{"value":")" + ada + R"("}]}])"))
            .status == 200);
  auto listed =
      scim("GET", "/Groups?filter=displayName%20eq%20%22research%22&excludedAttributes=members");
  INFO(listed.body);
  CHECK(listed.body.find(R"("totalResults":1)") != std::string::npos);
  CHECK(listed.body.find("\"members\"") == std::string::npos);
  CHECK(scim("GET", "/Groups/" + research).body.find(R"("members":[{"value":")" + ada) !=
        std::string::npos);
  // Entra removes a member by listing it; added and removed today leaves no period.
  CHECK(scim("PATCH", "/Groups/" + research,
             patch(R"([{"op":"Remove","path":"members","value":[{"value":")" + ada + R"("}]}])"))
            .status == 200);
  CHECK(scim("GET", "/Groups/" + research).body.find(R"("members":[])") != std::string::npos);

  // Entra disables with the string "False", then deletes.
  auto disabled = scim("PATCH", "/Users/" + ada,
                       patch(R"([{"op":"Replace","path":"active","value":"False"}])"));
  CHECK(disabled.body.find(R"("active":false)") != std::string::npos);
  auto gone = scim("DELETE", "/Groups/" + research);
  CHECK(gone.status == 204);
  auto missing = scim("GET", "/Groups/" + research);
  CHECK(missing.status == 404);
  CHECK(missing.body.find(
            R"("schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404")") !=
        std::string::npos);
  CHECK(scim("DELETE", "/Users/" + ada).status == 204);
  CHECK(scim("GET", "/Users/" + ada).body.find(R"("active":false)") != std::string::npos);

  // Discovery.
  CHECK(scim("GET", "/ServiceProviderConfig").body.find(R"("patch":{"supported":true})") !=
        std::string::npos);
  CHECK(scim("GET", "/ResourceTypes").body.find(R"("totalResults":2)") != std::string::npos);
  CHECK(scim("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").status == 200);
}

TEST_CASE("bad SCIM requests get SCIM's errors and change nothing, and SCIM tokens open SCIM only",
          "[collector][scim][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const Scim scim{c, c.token_of(c.token_file("okta", "scim"))};
  c.start();
  auto admin_call = [&](const std::string& method, const std::string& path,
                        const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + admin, "Content-Type: application/json"}, body);
  };
  auto user = [](const std::string& name, const std::string& extra = "") {
    return std::string(R"({"schemas":[)") + kUser + R"(],"userName":")" + name + "\"" + extra + "}";
  };
  auto group = [](const std::string& name, const std::string& parent) {
    return std::string(R"({"schemas":[)") + kGroup +
           R"(,"urn:codepulse:scim:schemas:2.0:Group"],"displayName":")" + name +
           R"(","urn:codepulse:scim:schemas:2.0:Group":{"kind":"group","parent":")" + parent +
           R"("}})";
  };
  const std::string a = id_of(
      scim(
          "POST", "/Users",
          user(
              "a@acme.example",
              R"(,"emails":[{"value":"a@acme.example","primary":true},{"value":"a.alias@acme.example"}])"))
          .body);
  REQUIRE(a == "1");
  const std::string g1 = id_of(scim("POST", "/Groups", group("g1", "")).body);
  const std::string g2 = id_of(scim("POST", "/Groups", group("g2", g1)).body);
  REQUIRE(!g2.empty());
  const std::string before = admin_call("GET", "/v1/admin/people").body;

  struct Bad {
    std::string method, path, body;
    int status;
    std::string scim_type, detail;
  };
  const std::vector<Bad> bad = {
      {"POST", "/Users",
       R"({"schemas":["urn:example:params:scim:schemas:Employee"],"userName":"x@acme.example"})",
       400, "invalidValue", "unknown schema 'urn:example:params:scim:schemas:Employee'"},
      {"POST", "/Users", R"({"userName":"x@acme.example"})", 400, "invalidValue",
       "'schemas' is required"},
      {"POST", "/Users", user("", R"(,"displayName":"Nobody")"), 400, "invalidValue",
       "'userName' is required"},
      {"POST", "/Users", R"({"schemas":[)" + std::string(kUser) + R"(],"displayName":"No Name"})",
       400, "invalidValue", "'userName' is required"},
      {"POST", "/Users", user("A@acme.example"), 409, "uniqueness",
       "a user with userName 'A@acme.example' exists (id 1)"},
      {"POST", "/Users",
       user("b@acme.example", R"(,"emails":[{"value":"a.alias@acme.example","type":"work"}])"), 409,
       "uniqueness", "'a.alias@acme.example' is already the email, alias or userName of user 1"},
      {"PUT", "/Groups/" + g1, group("g1", g2), 400, "invalidValue", "its parents make a cycle"},
      {"POST", "/Groups", group("g3", "999"), 400, "invalidValue", "'parent' names no group"},
      {"POST", "/Groups", group("G1", ""), 409, "uniqueness", "a group named 'g1' exists"},
      {"GET", "/Users/999", "", 404, "", "no user with id 999"},
      {"PATCH", "/Groups/999", patch(R"([{"op":"add","path":"members","value":[]}])"), 404, "",
       "no group with id 999"},
      {"DELETE", "/Users/abc", "", 404, "", "no user with id 'abc'"},
      {"POST", "/Users", R"({"schemas":[)", 400, "invalidSyntax", "the body is not JSON"},
      {"POST", "/Users", "[1,2]", 400, "invalidSyntax", "the body must be a JSON object"},
      {"GET", "/Users?filter=title%20co%20%22x%22", "", 400, "invalidFilter",
       "only ATTRIBUTE eq \\\"VALUE\\\" is supported"},
      {"GET", "/Users?filter=title%20eq%20%22x%22", "", 400, "invalidFilter",
       "cannot filter Users by 'title'"},
      {"GET", "/Users?count=ten", "", 400, "invalidValue", "count must be a whole number"},
      {"PATCH", "/Users/" + a, patch(R"([{"op":"replace","value":{"id":"7"}}])"), 400, "mutability",
       "'id' is given by the server and cannot change"},
      {"PATCH", "/Users/" + a, patch(R"([{"op":"move","path":"title","value":"x"}])"), 400,
       "invalidSyntax", "Operations[0]: unknown op 'move'"},
      {"PATCH", "/Users/" + a, patch(R"([{"op":"remove"}])"), 400, "noTarget",
       "a remove operation needs a path"},
      {"PATCH", "/Users/" + a, R"({"Operations":[]})", 400, "invalidValue",
       "'schemas' is required"},
      {"PATCH", "/Users/" + a, patch(R"([{"op":"replace","path":"active","value":"maybe"}])"), 400,
       "invalidValue", "'active' must be true or false"},
      // All or nothing: the first operation is good, the second names no user.
      {"PATCH", "/Groups/" + g1,
       patch(R"([{"op":"replace","path":"displayName","value":"renamed"},)"
             R"({"op":"add","path":"members","value":[{"value":"42"}]}])"),
       400, "invalidValue", "members[0]: no user with id '42'"},
  };
  for (const Bad& b : bad) {
    auto r = scim(b.method, b.path, b.body);
    INFO(b.method << " " << b.path << " " << b.body << " -> " << r.status << " " << r.body);
    CHECK(r.status == b.status);
    CHECK(r.has("Content-Type: application/scim+json"));
    CHECK(r.body.find(R"("schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":")" +
                      std::to_string(b.status) + "\"") != std::string::npos);
    if (!b.scim_type.empty())
      CHECK(r.body.find(R"("scimType":")" + b.scim_type + "\"") != std::string::npos);
    CHECK(r.body.find(b.detail) != std::string::npos);
  }
  CHECK(admin_call("GET", "/v1/admin/people").body == before);

  // Tokens: only a SCIM token opens SCIM, and it opens nothing else.
  auto with_admin =
      https_call(c.port(), c.ca(), "GET", "/scim/v2/Users", {"Authorization: Bearer " + admin});
  CHECK(with_admin.status == 401);
  CHECK(with_admin.body.find("unknown or revoked SCIM token") != std::string::npos);
  CHECK(https_call(c.port(), c.ca(), "GET", "/scim/v2/Users").status == 401);
  for (const char* path : {"/v1/report?group_by=date", "/v1/admin/people", "/v1/whoami"})
    CHECK(
        https_call(c.port(), c.ca(), "GET", path, {"Authorization: Bearer " + scim.token}).status ==
        401);
  auto tokens = run_collector({"token", "list", "--db", c.db(), "--json"});
  REQUIRE(tokens.exit_code == 0);
  CHECK(tokens.out.find(R"("author":"okta","role":"scim")") != std::string::npos);
  const size_t okta = tokens.out.find(R"("author":"okta")");
  const std::string okta_id =
      tokens.out.substr(tokens.out.rfind("\"id\":", okta) + 5,
                        tokens.out.find(',', tokens.out.rfind("\"id\":", okta)) -
                            tokens.out.rfind("\"id\":", okta) - 5);
  REQUIRE(run_collector({"token", "revoke", "--db", c.db(), "--id", okta_id}).exit_code == 0);
  CHECK(scim("GET", "/Users").status == 401);
}
