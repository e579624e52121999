// Budgets on a real server process (SQLite and PostgreSQL): the admin API
// adds, overrides and removes budgets (admins only; bad scopes, unseen
// values, amounts not above 0 and overlaps refused naming the problem),
// viewers read every budget's state, each batch acknowledgement carries
// the budgets of its author and repositories in the trackers' shape, and
// /metrics shows them (docs/BUDGETS.md).
#include <simdjson.h>

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

const std::string kApi = "github.com/acme/api";

// One record of 1M Opus 4.6 input tokens ($5.00) in api, a minute ago.
std::string five_dollars(const std::string& id) {
  return batch_body(id, {input_record(id, now_utc_ms() - 60'000, 1'000'000, kApi)});
}

}  // namespace

TEST_CASE("the budgets' API, the batch acknowledgement's budgets and their metrics",
          "[collector][budgets][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  c.start({"--budget-refresh", "1s"});
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };
  auto post_batch = [&](const std::string& body) {
    return https_call(c.port(), c.ca(), "POST", "/v1/batches",
                      {"Authorization: Bearer " + tracker, "Content-Encoding: zstd"}, body);
  };
  REQUIRE(post_batch(five_dollars("b1")).status == 200);

  CHECK(call(admin, "GET", "/v1/admin/budgets").body == "{\"budgets\":[]}");
  auto denied = call(viewer, "POST", "/v1/admin/budgets", R"({"scope":"org","amount_usd":4})");
  CHECK(denied.status == 403);
  CHECK(denied.body.find("the budgets' admin API needs an admin token") != std::string::npos);
  auto org = call(admin, "POST", "/v1/admin/budgets",
                  R"({"scope":"org","amount_usd":4,"start":"2026-01-01","note":"pilot"})");
  REQUIRE(org.status == 200);
  CHECK(org.body.find(R"({"id":1,"scope":"org","value":"","period":"month","basis":"org",)"
                      R"("limit_usd":4.00,"warn_percent":80,"enforce":false,)"
                      R"("start":"2026-01-01","end":null,"note":"pilot",)"
                      R"("created_by":"admin@acme.example",)") == 0);
  const std::vector<std::tuple<std::string, int, std::string>> refused = {
      {R"({"scope":"galaxy","value":"x","amount_usd":"5"})", 400,
       "unknown budget scope 'galaxy'; use org, person, team, repo, epic, model or assistant"},
      {R"({"scope":"person","value":"carol@acme.example","amount_usd":"5"})", 400,
       "no record has person 'carol@acme.example' yet"},
      {R"({"scope":"repo","value":"github.com/acme/api","amount_usd":"0"})", 400,
       "amount_usd: a budget's amount must be above 0, got '0'"},
      {R"({"scope":"repo","value":"github.com/acme/api","amount_usd":-3})", 400,
       "amount_usd: a budget's amount must be above 0, got '-3'"},
      {R"({"scope":"org","amount_usd":"9","start":"2026-06-01"})", 409,
       "overlapping budgets: budget 1 (org, $4.00 a month on org cost, 2026-01-01 to open)"},
      {R"({"scope":"org","amount_usd":"9","period":"week","enforce":"yes"})", 400,
       "enforce: expected true or false"}};
  for (const auto& [body, status, error] : refused) {
    INFO(body);
    auto r = call(admin, "POST", "/v1/admin/budgets", body);
    CHECK(r.status == status);
    CHECK(r.body.find(error) != std::string::npos);
  }
  REQUIRE(call(admin, "POST", "/v1/admin/budgets",
               R"({"scope":"person","value":"Dev@acme.example","amount_usd":"100",)"
               R"("enforce":true,"start":"2026-01-01"})")
              .status == 200);
  REQUIRE(call(admin, "POST", "/v1/admin/budgets",
               R"({"scope":"repo","value":"github.com/acme/api","amount_usd":"1000",)"
               R"("period":"week","start":"2026-01-01"})")
              .status == 200);
  REQUIRE(call(admin, "POST", "/v1/admin/budgets",
               R"({"scope":"repo","value":"github.com/acme/new","amount_usd":"50",)"
               R"("allow_unseen":true,"start":"2026-01-01"})")
              .status == 200);
  auto ov = call(admin, "POST", "/v1/admin/budgets/2/override",
                 R"({"until":"2099-01-01T00:00:00Z","reason":"release week"})");
  CHECK(ov.status == 200);
  CHECK(ov.body == R"({"override":1,"budget":2,"until":"2099-01-01T00:00:00Z",)"
                   R"("reason":"release week"})");
  CHECK(call(admin, "POST", "/v1/admin/budgets/9/override",
             R"({"until":"2099-01-01T00:00:00Z","reason":"x"})")
            .status == 404);
  CHECK(call(admin, "POST", "/v1/admin/budgets/2/override", R"({"reason":"x"})").status == 400);

  // Viewers read the state once the refresher has worked it out.
  std::string state;
  CHECK(eventually(kPatienceMs, [&] {
    state = call(viewer, "GET", "/v1/budgets").body;
    return state.find(R"("id":"4")") != std::string::npos &&
           state.find(R"("override_until":"2099)") != std::string::npos;
  }));
  CHECK(call(tracker, "GET", "/v1/budgets").status == 403);
  simdjson::dom::parser p;
  simdjson::dom::element doc = p.parse(state);
  simdjson::dom::array all = doc["budgets"].get_array();
  CHECK(all.size() == 4);
  simdjson::dom::element first = all.at(0);
  CHECK(std::string(first["state"].get_string().value()) == "over");  // $5 of $4
  CHECK(first["spent_usd"].get_double().value() == 5.0);
  CHECK(first["percent"].get_double().value() == 125.0);

  // The acknowledgement: the org's, dev's and api's budgets, not new's.
  auto ack = post_batch(five_dollars("b2"));
  REQUIRE(ack.status == 200);
  simdjson::dom::parser p2;
  simdjson::dom::element reply = p2.parse(ack.body);
  simdjson::dom::array budgets = reply["budgets"].get_array();
  REQUIRE(budgets.size() == 3);
  std::vector<std::string> ids;
  for (simdjson::dom::element b : budgets)
    ids.emplace_back(b["id"].get_string().value());
  CHECK(ids == std::vector<std::string>{"1", "2", "3"});
  simdjson::dom::element dev = budgets.at(1);
  CHECK(std::string(dev["scope"].get_string().value()) == "person");
  CHECK(std::string(dev["value"].get_string().value()) == "dev@acme.example");
  CHECK(std::string(dev["period"].get_string().value()) == "month");
  CHECK(std::string(dev["basis"].get_string().value()) == "org");
  CHECK(dev["limit_usd"].get_double().value() == 100.0);
  CHECK(dev["enforce"].get_bool().value());
  CHECK(std::string(dev["override_until"].get_string().value()) == "2099-01-01T00:00:00Z");
  CHECK(std::string(dev["state"].get_string().value()) == "ok");
  CHECK(dev["message"].get_string().value().find("Budget 2 (person dev@acme.example)") == 0);
  CHECK(std::string(budgets.at(2)["period"].get_string().value()) == "week");
  for (const char* key : {"period_start", "period_end", "spent_usd", "forecast_usd", "percent"})
    CHECK_FALSE(dev[key].error());

  const std::string metrics = https_call(c.port(), c.ca(), "GET", "/metrics").body;
  CHECK(metrics.find("codepulse_budget_state{budget=\"1\",scope=\"org\",period=\"month\"} 3\n") !=
        std::string::npos);
  CHECK(metrics.find("codepulse_budget_limit_usd{budget=\"2\",scope=\"person\",period=\"month\"} "
                     "100.000000\n") != std::string::npos);
  CHECK(metrics.find("codepulse_spend_month_by_repo_usd{repo=\"github.com/acme/api\"} ") !=
        std::string::npos);
  CHECK(metrics.find("codepulse_spend_month_by_model_usd{model=\"claude-opus-4-6\"} ") !=
        std::string::npos);

  auto listed = call(admin, "GET", "/v1/admin/budgets").body;
  CHECK(listed.find(R"("reason":"release week","created_by":"admin@acme.example",)") !=
        std::string::npos);
  CHECK(call(admin, "DELETE", "/v1/admin/budgets/4").body == R"({"removed":4})");
  CHECK(call(admin, "DELETE", "/v1/admin/budgets/4").status == 404);
  c.stop();
}
