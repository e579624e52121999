// Team budgets through the people directory (docs/BUDGETS.md "Team
// budgets"): a team's spend is that of the people of its subtree on each
// record's day, so a person who moves mid-month counts to the old team
// before the move and to the new one after; the budgets in GET
// /v1/generation; no report runs without a budget; /v1/waste capped by
// report_max_nodes.
#include <catch2/catch.hpp>
#include <set>

#include "collector/report/budget_state.hpp"
#include "collector/report/team_scope.hpp"
#include "common/time.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

int64_t at(const std::string& day, int hour) {
  auto ms = parse_iso8601_utc_ms(day + "T00:00:00Z");
  REQUIRE(ms);
  return *ms + int64_t{hour} * 3'600'000;
}

// acme > eng > {api, web}; alice (alias a.smith@acme.example) in api to
// 2026-12-02, in web from 2026-12-03; bob in web.
PeopleRows moving_directory() {
  PeopleRows d;
  d.teams = {{"acme", TeamKind::kOrg, ""},
             {"api", TeamKind::kTeam, "eng"},
             {"eng", TeamKind::kGroup, "acme"},
             {"web", TeamKind::kTeam, "eng"}};
  PersonRow alice;
  alice.id = 1;
  alice.display_name = "Alice";
  alice.email = "alice@acme.example";
  alice.aliases = {"a.smith@acme.example"};
  PersonRow bob;
  bob.id = 2;
  bob.display_name = "Bob";
  bob.email = "bob@acme.example";
  d.people = {alice, bob};
  d.memberships = {{1, "api", "2026-11-01", "2026-12-02"},
                   {1, "web", "2026-12-03", ""},
                   {2, "web", "2026-11-01", ""}};
  return d;
}

BudgetRow team_budget(const std::string& team) {
  BudgetRow b;
  b.scope = "team";
  b.value = team;
  b.period = "month";
  b.basis = "org";
  b.limit_nanos = 100 * kDollarNanos;
  b.start_day = "2026-11-01";
  b.created_by = "finance@acme.example";
  return b;
}

}  // namespace

TEST_CASE("a team budget counts a person who moves mid-month to each team on its days",
          "[collector][budgets][people]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;
  REQUIRE(store.edit_people([](PeopleRows& d) {
    d = moving_directory();
    return Status{};
  }));
  // Opus 4.6 input at $5 a million. alice (under her alias): $5.00 on
  // 2026-12-01 and $1.00 on 2026-12-02 in api, $2.00 on 2026-12-04 in web;
  // bob $0.50 on 2026-12-01 in web; and $3.00 of alice's in November (api,
  // another period).
  REQUIRE(store.ingest(
      "a.smith@acme.example",
      decoded_batch("b1",
                    {input_record("r1", at("2026-12-01", 10), 1'000'000, "github.com/acme/api"),
                     input_record("r2", at("2026-12-02", 23), 200'000, "github.com/acme/api"),
                     input_record("r3", at("2026-12-04", 9), 400'000, "github.com/acme/web"),
                     input_record("r4", at("2026-11-20", 9), 600'000, "github.com/acme/api")})));
  REQUIRE(store.ingest("bob@acme.example",
                       decoded_batch("b2", {input_record("r5", at("2026-12-01", 8), 100'000,
                                                         "github.com/acme/web")})));
  REQUIRE(store.add_budget(team_budget("api")));
  REQUIRE(store.add_budget(team_budget("web")));
  REQUIRE(store.add_budget(team_budget("ENG")));  // a group, in any case: both teams

  const int64_t now = at("2026-12-05", 12);
  size_t reports = 0;
  auto statuses = budget_statuses(store, now, &reports);
  REQUIRE(statuses);
  REQUIRE(statuses->size() == 3);
  const BudgetStatus& api = (*statuses)[0];
  const BudgetStatus& web = (*statuses)[1];
  const BudgetStatus& eng = (*statuses)[2];
  CHECK(api.budget.value == "api");
  CHECK(api.spent_nanos == 6 * kDollarNanos);  // $5 + $1, before the move
  CHECK(web.spent_nanos == 2'500'000'000);     // $2 after the move + bob's $0.50
  CHECK(eng.spent_nanos == 8'500'000'000);     // the group: both
  CHECK(reports == 1);                         // one report for the team scope
  // On a tracker: alice (either email) is in web today, not in api.
  CHECK(api.tracker_authors.empty());
  CHECK(web.tracker_authors ==
        std::set<std::string>{"a.smith@acme.example", "alice@acme.example", "bob@acme.example"});
  const auto mine = budgets_for_tracker(*statuses, {"A.Smith@acme.example"}, {});
  REQUIRE(mine.size() == 2);
  CHECK(mine[0]->budget.value == "web");
  CHECK(mine[1]->budget.value == "ENG");

  // A team the directory does not know is refused unless allowed.
  auto seen = budget_value_seen(store, "team", "platform");
  REQUIRE(seen);
  CHECK_FALSE(*seen);
  CHECK(*budget_value_seen(store, "team", "Web"));
  CHECK(team_subtree(*store.load_people(), "eng") == std::set<std::string>{"api", "eng", "web"});
}

TEST_CASE("the budget refresh runs no report while no budget is in force", "[collector][budgets]") {
  TempDir dir;
  auto opened = open_store(dir / "collector.db");
  REQUIRE(opened);
  Store& store = **opened;
  const int64_t now = now_utc_ms();
  REQUIRE(store.ingest(
      "dev@acme.example",
      decoded_batch("b1", {input_record("r1", now - 60'000, 1'000'000, "github.com/acme/api")})));
  auto idle = budget_snapshot(store, now, 10);
  REQUIRE(idle);
  CHECK(idle->reports_run == 0);
  CHECK(idle->statuses.empty());
  CHECK(idle->repo_spend.empty());
  // A budget that ended yesterday is not in force either.
  BudgetRow old = team_budget("x");
  old.scope = "org";
  old.value = "";
  old.start_day = "2020-01-01";
  old.end_day = "2020-01-31";
  REQUIRE(store.add_budget(old));
  CHECK(budget_snapshot(store, now, 10)->reports_run == 0);
  BudgetRow org = old;
  org.start_day = "2026-01-01";
  org.end_day = "";
  REQUIRE(store.add_budget(org));
  auto busy = budget_snapshot(store, now, 10);
  REQUIRE(busy);
  CHECK(busy->reports_run == 3);  // the org's spend, then repositories and models
  REQUIRE(busy->statuses.size() == 1);
  CHECK(busy->statuses[0].spent_nanos == 5 * kDollarNanos);
  CHECK(busy->repo_spend ==
        std::vector<std::pair<std::string, int64_t>>{{"github.com/acme/api", 5 * kDollarNanos}});
}

TEST_CASE("GET /v1/generation carries the budgets of the token's person and teams",
          "[collector][budgets][server]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string tracker = c.token_of(c.token_file("alice@acme.example"));
  const std::string other = c.token_of(c.token_file("carol@acme.example"));
  {
    auto opened = open_store(c.db());
    REQUIRE(opened);
    Store& store = **opened;
    PeopleRows d = moving_directory();
    d.memberships = {{1, "api", "2026-01-01", ""}, {2, "web", "2026-01-01", ""}};
    REQUIRE(store.edit_people([&](PeopleRows& rows) {
      rows = d;
      return Status{};
    }));
    REQUIRE(store.ingest("alice@acme.example",
                         decoded_batch("b1", {input_record("r1", now_utc_ms() - 60'000, 1'000'000,
                                                           "github.com/acme/api")})));
    REQUIRE(store.add_budget(team_budget("api")));  // 1
    BudgetRow repo = team_budget("");
    repo.scope = "repo";
    repo.value = "github.com/acme/api";
    REQUIRE(store.add_budget(repo));                // 2: alice spent in it this month
    REQUIRE(store.add_budget(team_budget("web")));  // 3: not alice's
  }
  c.start({"--budget-refresh", "1s"});
  auto generation = [&](const std::string& token) {
    return https_call(c.port(), c.ca(), "GET", "/v1/generation",
                      {"Authorization: Bearer " + token});
  };
  // The first refresh runs at start: wait for it.
  REQUIRE(eventually(kPatienceMs, [&] {
    return generation(tracker).body.find("\"id\":\"1\"") != std::string::npos;
  }));
  const auto mine = generation(tracker);
  CHECK(mine.status == 200);
  CHECK(mine.body.find("\"generation\":\"") == 1);
  CHECK(mine.body.find(R"({"id":"1","scope":"team","value":"api","period":"month",)") !=
        std::string::npos);
  CHECK(mine.body.find(R"("spent_usd":5.00,)") != std::string::npos);
  CHECK(mine.body.find(R"({"id":"2","scope":"repo","value":"github.com/acme/api",)") !=
        std::string::npos);
  CHECK(mine.body.find(R"("id":"3")") == std::string::npos);
  // Someone in no team, with no spend: no budget applies.
  CHECK(generation(other).body.find("\"budgets\":[]") != std::string::npos);
  c.stop();
}

TEST_CASE("GET /v1/waste is capped by report_max_nodes like a report",
          "[collector][waste][server]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  {
    auto opened = open_store(c.db());
    REQUIRE(opened);
    const int64_t now = now_utc_ms();
    std::vector<proto::WireRecord> records;
    for (int i = 0; i < 5; ++i)
      records.push_back(input_record("r" + std::to_string(i), now - 9 * 86'400'000LL + i * 60'000,
                                     100'000, "github.com/acme/r" + std::to_string(i)));
    REQUIRE((*opened)->ingest("dev@acme.example", decoded_batch("b1", records)));
  }
  c.start({"--report-max-nodes", "3"});
  auto waste = [&](const std::string& query) {
    return https_call(c.port(), c.ca(), "GET", "/v1/waste?" + query,
                      {"Authorization: Bearer " + viewer});
  };
  // Five repositories are more than three nodes.
  const auto big = waste("group_by=repo&since=2020-01-01");
  CHECK(big.status == 422);
  CHECK(big.body.find("report too large: it has 5 nodes, more than this collector's "
                      "report_max_nodes (3); ask for top=N") != std::string::npos);
  const auto cut = waste("group_by=repo&since=2020-01-01&top=1");
  CHECK(cut.status == 200);
  CHECK(cut.body.find("\"rules\":[") != std::string::npos);
  c.stop();
}
