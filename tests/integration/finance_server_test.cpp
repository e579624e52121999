// GET /v1/reconcile and GET /v1/statement on a real server process (SQLite
// and PostgreSQL): the same JSON and CSV as the CLI prints for the same
// store, CSV as a download with its formulas defused, viewer and admin
// tokens only, and a bad month or parameter answered 400.
#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

std::string cli(const std::string& view, const std::string& db, const std::string& format) {
  const CommandResult r =
      run({collector_bin(), view, "--month", "2026-11", "--db", db, "--format", format});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("the reconciliation and the statement over HTTP equal the CLI's, for readers only",
          "[collector][statement][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  {
    auto opened = open_store(target.db);
    REQUIRE(opened);
    Store& store = **opened;
    // alice (a $200 seat): 3M input of Opus on the 5th ($15) in a repository
    // named like a formula; bob (no seat) 1M on the 10th ($5); dave holds an
    // idle $19 Copilot seat. Anthropic's cost report of the 5th says $32.
    REQUIRE(store.ingest("alice@acme.example",
                         decoded_batch("b1", {input_record("a1", 1'793'872'800'000, 3'000'000,
                                                           "=HYPERLINK(\"x\")")})));
    REQUIRE(store.ingest("bob@acme.example",
                         decoded_batch("b2", {input_record("b1", 1'794'304'800'000, 1'000'000,
                                                           "github.com/acme/web")})));
    REQUIRE(add_seats_and_opus_cost(store));
  }
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  c.start();
  auto get = [&](const std::string& token, const std::string& path) {
    return https_call(c.port(), c.ca(), "GET", path,
                      token.empty() ? std::vector<std::string>{}
                                    : std::vector<std::string>{"Authorization: Bearer " + token});
  };

  for (const std::string view : {"reconcile", "statement"}) {
    INFO(view);
    const std::string path = "/v1/" + view + "?month=2026-11";
    auto json = get(viewer, path);
    REQUIRE(json.status == 200);
    CHECK(json.has("Content-Type: application/json"));
    CHECK(json.has("Cache-Control: no-store"));
    CHECK(json.body == cli(view, target.db, "json"));
    CHECK(get(admin, path + "&format=json").body == json.body);

    auto csv = get(viewer, path + "&format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.has("Content-Type: text/csv; charset=utf-8"));
    CHECK(csv.has("Content-Disposition: attachment; filename=\"codepulse-" + view +
                  "-2026-11.csv\""));
    CHECK(csv.body == cli(view, target.db, "csv"));

    auto anonymous = get("", path);
    CHECK(anonymous.status == 401);
    auto refused = get(tracker, path);
    CHECK(refused.status == 403);
    auto bad = get(viewer, "/v1/" + view + "?month=2026-13");
    CHECK(bad.status == 400);
    CHECK(bad.body ==
          R"({"error":"month '2026-13': expected YYYY-MM, e.g. 2026-11","status":400})");
    CHECK(get(viewer, "/v1/" + view).body ==
          R"({"error":"month: required, e.g. month=2026-11","status":400})");
    CHECK(get(viewer, path + "&format=xml").body ==
          R"({"error":"format 'xml': expected json or csv","status":400})");
    CHECK(get(viewer, path + "&group_by=repo").status == 400);
    CHECK(https_call(c.port(), c.ca(), "POST", path, {"Authorization: Bearer " + admin}).status ==
          405);
  }

  // The numbers, worked out by hand: alice's $15 carries her $200 seat,
  // bob keeps his $5, dave's $19 is idle; Anthropic billed $32 against
  // codepulse's $20 of list (= organisation) cost.
  const std::string statement = get(viewer, "/v1/statement?month=2026-11&format=csv").body;
  INFO(statement);
  for (const char* line :
       {"section,key,records,unpriced_records,list_cost_usd,cost_usd,effective_cost_usd,"
        "list_cost_nanos,cost_nanos,effective_cost_nanos,provider_cost_usd,provider_cost_nanos,"
        "diff_usd,diff_nanos,note\n",
        "\ntotal,total,2,0,20.000000,20.000000,205.000000,",
        "\nauthor,alice@acme.example,1,0,15.000000,15.000000,200.000000,",
        "\nrepo,\"'=HYPERLINK(\"\"x\"\")\",1,0,15.000000,15.000000,200.000000,",
        "\nidle_seat,copilot-business of dave@acme.example (copilot),,,,,19.000000,",
        "\nprovider,anthropic,,,,20.000000,,,20000000000,,32.000000,32000000000,12.000000,"}) {
    CHECK(statement.find(line) != std::string::npos);
  }
  const std::string reconcile = get(viewer, "/v1/reconcile?month=2026-11").body;
  CHECK(reconcile.find(R"("date":"2026-11-05","provider":"anthropic","model":"claude-opus-4-6",)"
                       R"("codepulse":{"input":3000000,)") != std::string::npos);
  CHECK(reconcile.find(R"("cost_diff_usd":17.000000,"cost_diff_nanos":17000000000)") !=
        std::string::npos);
  CHECK(reconcile.find(R"("queued_on_laptops":"unknown")") != std::string::npos);
}
