// Budgets in the collector's store (a SQLite file and a PostgreSQL
// database) and through `codepulse-collector budgets`: stored, listed,
// overridden and removed; overlaps, unknown scopes, unseen values and
// amounts that are not above 0 refused with clear errors and nothing
// stored; each budget's spend is the number `report` gives for its scope,
// and its forecast and state worked out by hand (docs/BUDGETS.md).
#include <catch2/catch.hpp>

#include "collector/report/budget_state.hpp"
#include "collector/report/store_report.hpp"
#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kNow = 1'795'176'000'000;  // Friday 2026-11-20T12:00:00Z
const std::string kApi = "github.com/acme/api", kWeb = "github.com/acme/web";

BudgetRow budget(const std::string& scope, const std::string& value, int64_t dollars,
                 const std::string& period = "month") {
  BudgetRow b;
  b.scope = scope;
  b.value = value;
  b.period = period;
  b.basis = "org";
  b.limit_nanos = dollars * kDollarNanos;
  b.start_day = "2026-11-01";
  b.created_by = "finance@acme.example";
  b.created_ms = kNow;
  return b;
}

// November 2026 (Opus 4.6 input at $5 a million): alice 3M in api on
// Thursday the 5th ($15) and 1M in web on Wednesday the 18th ($5); bob 2M
// in web on Thursday the 19th ($10).
void ingest_november(Store& store) {
  REQUIRE(
      store.ingest("alice@acme.example",
                   decoded_batch("b1", {input_record("a1", 1'793'872'800'000, 3'000'000, kApi),
                                        input_record("a2", 1'794'996'000'000, 1'000'000, kWeb)})));
  REQUIRE(
      store.ingest("bob@acme.example",
                   decoded_batch("b2", {input_record("c1", 1'795'082'400'000, 2'000'000, kWeb)})));
}

// The cost `report` gives for [since, until) under `where`.
int64_t report_cost(Store& store, std::vector<report::Filter> where, const std::string& since,
                    const std::string& until) {
  report::ReportQuery q;
  q.group_by = {report::Dimension::kModel};
  q.where = std::move(where);
  q.since_ms = *day_start_ms(since);
  q.until_ms = *day_start_ms(until);
  auto r = build_report(store, q);
  REQUIRE(r);
  return r->root.metrics.cost_nanos;
}

std::string refused(Store& store, const BudgetRow& b) {
  auto id = store.add_budget(b);
  REQUIRE_FALSE(id);
  return id.error().message;
}

}  // namespace

TEST_CASE("budgets are stored, overridden and removed, and overlaps are refused",
          "[collector][budgets]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;

  auto org = store.add_budget(budget("org", "", 40));
  REQUIRE(org);
  CHECK(*org == 1);
  auto alice = store.add_budget(budget("person", "Alice@Acme.example", 30));
  REQUIRE(alice);
  // The same scope, value (any case) and period kind on a common day: refused.
  CHECK(refused(store, budget("person", "alice@acme.example", 50)) ==
        "overlapping budgets: budget 2 (person alice@acme.example, $30.00 a month on org cost, "
        "2026-11-01 to open) already covers person alice@acme.example per month on these dates; "
        "remove it (budgets remove 2) or pick dates after its end");
  CHECK(refused(store, budget("org", "", 10)).rfind("overlapping budgets: budget 1 (org,", 0) == 0);
  // A weekly one beside the monthly one is a budget of its own.
  REQUIRE(store.add_budget(budget("repo", kWeb, 12, "week")));
  BudgetRow bad = budget("galaxy", "x", 5);
  CHECK(refused(store, bad).rfind("unknown budget scope 'galaxy'", 0) == 0);
  bad = budget("org", "", 5);
  bad.limit_nanos = 0;
  CHECK(refused(store, bad) == "a budget's amount must be above 0");
  auto stored = store.load_budgets();
  REQUIRE(stored);
  REQUIRE(stored->size() == 3);
  CHECK((*stored)[1].value == "alice@acme.example");  // a person lower-cased

  BudgetOverride o;
  o.budget_id = 2;
  o.until_ms = kNow + 86'400'000;
  o.reason = "release week";
  o.created_by = "lead@acme.example";
  o.created_ms = kNow;
  auto oid = store.add_budget_override(o, kNow);
  REQUIRE(oid);
  CHECK(*oid == 1);
  o.budget_id = 99;
  CHECK(store.add_budget_override(o, kNow).error().message ==
        "no budget 99 (codepulse-collector budgets list shows them)");
  o.budget_id = 2;
  o.until_ms = kNow - 1;
  CHECK(store.add_budget_override(o, kNow).error().message.rfind(
            "an override's end must be in the future", 0) == 0);
  o.until_ms = kNow + 1;
  o.reason = "";
  CHECK(store.add_budget_override(o, kNow).error().message.rfind("an override needs a reason", 0) ==
        0);
  auto overrides = store.load_budget_overrides();
  REQUIRE(overrides);
  REQUIRE(overrides->size() == 1);
  CHECK((*overrides)[0].reason == "release week");

  REQUIRE(store.remove_budget(2));
  CHECK(store.load_budget_overrides()->empty());  // its overrides go with it
  CHECK(store.remove_budget(2).error().message ==
        "no budget 2 (codepulse-collector budgets list shows them)");
  CHECK(store.load_budgets()->size() == 2);
}

TEST_CASE("a budget's spend is report's number for its scope, with forecast and state by hand",
          "[collector][budgets]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;
  ingest_november(store);
  REQUIRE(store.add_budget(budget("org", "", 40)));
  REQUIRE(store.add_budget(budget("person", "alice@acme.example", 30)));
  REQUIRE(store.add_budget(budget("repo", kWeb, 12, "week")));
  BudgetRow model = budget("model", "claude-opus-4-6", 100);
  model.basis = "list";
  REQUIRE(store.add_budget(model));
  BudgetRow later = budget("assistant", "claude-code", 100);
  later.start_day = "2026-12-01";  // not in force yet: no state
  REQUIRE(store.add_budget(later));
  BudgetOverride o{0, 2, kNow + 3'600'000, "demo day", "lead@acme.example", kNow};
  REQUIRE(store.add_budget_override(o, kNow));

  auto statuses = budget_statuses(store, kNow);
  REQUIRE(statuses);
  REQUIRE(statuses->size() == 4);
  const BudgetStatus& s_org = (*statuses)[0];
  const BudgetStatus& s_alice = (*statuses)[1];
  const BudgetStatus& s_web = (*statuses)[2];
  const BudgetStatus& s_model = (*statuses)[3];

  // Spent: what report says for the scope and the period.
  CHECK(s_org.spent_nanos == report_cost(store, {}, "2026-11-01", "2026-12-01"));
  CHECK(s_org.spent_nanos == 30 * kDollarNanos);
  CHECK(s_alice.spent_nanos == report_cost(store,
                                           {{report::Dimension::kAuthor, "alice@acme.example"}},
                                           "2026-11-01", "2026-12-01"));
  CHECK(s_alice.spent_nanos == 20 * kDollarNanos);
  CHECK(s_web.spent_nanos ==
        report_cost(store, {{report::Dimension::kRepo, kWeb}}, "2026-11-16", "2026-11-23"));
  CHECK(s_web.spent_nanos == 15 * kDollarNanos);
  CHECK(s_model.spent_nanos == 30 * kDollarNanos);
  CHECK(s_web.period_start == "2026-11-16");
  CHECK(s_web.period_end == "2026-11-22");
  CHECK(s_org.period_end == "2026-11-30");

  // Forecasts by hand. The last 28 days spent only on weekdays, so weekend
  // days weigh 0. November to Friday noon: 14 weekdays and half of Friday
  // (14.5 units); left: the rest of Friday, 23-27 and Monday 30 (6.5 units).
  // Org: $30 + $30 * 6.5 / 14.5 = $43.448275862.
  CHECK(s_org.forecast_nanos == 43'448'275'862);
  CHECK(s_org.state == "forecast_over");
  CHECK(s_org.percent == 75.0);
  // alice: $20 + $20 * 6.5 / 14.5 = $28.965517241 of $30: ok.
  CHECK(s_alice.forecast_nanos == 28'965'517'241);
  CHECK(s_alice.state == "ok");
  REQUIRE(s_alice.override_until_ms);
  CHECK(*s_alice.override_until_ms == kNow + 3'600'000);
  // web, the week of the 16th: $15 over Monday to Friday noon (4.5 units),
  // the rest of Friday 0.5 and a weekend of weight 0: $16.666666667; over $12.
  CHECK(s_web.forecast_nanos == 16'666'666'667);
  CHECK(s_web.state == "over");
  CHECK(s_web.percent == 125.0);
  CHECK(s_model.state == "ok");

  // The snapshot for /metrics: November's spend by repository and model.
  // api and web spent $15 each: the top one (ties by name) and "other".
  auto snap = budget_snapshot(store, kNow, 1);
  REQUIRE(snap);
  REQUIRE(snap->repo_spend.size() == 2);
  CHECK(snap->repo_spend[0] == std::pair<std::string, int64_t>{kApi, 15 * kDollarNanos});
  CHECK(snap->repo_spend[1] == std::pair<std::string, int64_t>{"other", 15 * kDollarNanos});
  CHECK(snap->model_spend ==
        std::vector<std::pair<std::string, int64_t>>{{"claude-opus-4-6", 30 * kDollarNanos}});

  CHECK(*budget_value_seen(store, "person", "ALICE@acme.example"));
  CHECK_FALSE(*budget_value_seen(store, "person", "carol@acme.example"));
  CHECK(*budget_value_seen(store, "repo", kApi));
  CHECK_FALSE(*budget_value_seen(store, "repo", "github.com/acme/nope"));
  CHECK(*budget_value_seen(store, "org", ""));
}

TEST_CASE("budgets add, list, status, override and remove from the command line",
          "[collector][budgets][cli]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  {
    auto opened = open_store(target.db);
    REQUIRE(opened);
    ingest_november(**opened);
  }
  auto added = run_collector({"budgets", "add", "--scope", "person", "--value",
                              "alice@acme.example", "--amount", "500", "--enforce", "--start",
                              "2026-11-01", "--by", "finance@acme.example", "--db", target.db});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(added.out ==
        "budget 1 (person alice@acme.example, $500.00 a month on org cost, 2026-11-01 to open) "
        "added, enforced\n");
  // Bad input: one clear line each, nothing stored.
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--scope", "galaxy", "--value", "x", "--amount", "5"},
       "codepulse-collector: budget not added: unknown budget scope 'galaxy'; use org, person, "
       "team, repo, epic, model or assistant\n"},
      {{"--scope", "person", "--value", "carol@acme.example", "--amount", "5"},
       "codepulse-collector: budget not added: no record has person 'carol@acme.example' yet; "
       "check the spelling (codepulse-collector report --group-by author lists them), or add "
       "the budget anyway with --allow-unseen (\"allow_unseen\": true in the API)\n"},
      {{"--scope", "org", "--amount", "-5"},
       "codepulse-collector: --amount: a budget's amount must be above 0, got '-5'\n"},
      {{"--scope", "org", "--amount", "0"},
       "codepulse-collector: --amount: a budget's amount must be above 0, got '0'\n"},
      {{"--scope", "person", "--value", "Alice@acme.example", "--amount", "9", "--start",
        "2026-11-20"},
       "codepulse-collector: budget not added: overlapping budgets: budget 1 (person "
       "alice@acme.example, $500.00 a month on org cost, 2026-11-01 to open) already covers "
       "person alice@acme.example per month on these dates; remove it (budgets remove 1) or "
       "pick dates after its end\n"}};
  for (const auto& [args, error] : bad) {
    std::vector<std::string> argv = {"budgets", "add"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--db", target.db});
    const auto r = run_collector(argv);
    INFO(args[1]);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find(error) != std::string::npos);
  }
  // A value never seen, asked for.
  auto unseen =
      run_collector({"budgets", "add", "--scope", "repo", "--value", "github.com/acme/new",
                     "--amount", "100", "--period", "week", "--allow-unseen", "--db", target.db});
  CHECK(unseen.exit_code == 0);

  auto over =
      run_collector({"budgets", "override", "--budget", "1", "--until", "2099-01-01T00:00:00Z",
                     "--reason", "launch", "--by", "lead@acme.example", "--db", target.db});
  CHECK(over.exit_code == 0);
  CHECK(over.out == "override 1 of budget 1 until 2099-01-01T00:00:00Z\n");
  auto past = run_collector({"budgets", "override", "--budget", "1", "--until",
                             "2020-01-01T00:00:00Z", "--reason", "x", "--db", target.db});
  CHECK(past.exit_code == 1);
  CHECK(past.err.find("an override's end must be in the future") != std::string::npos);
  auto unknown = run_collector({"budgets", "override", "--budget", "7", "--until",
                                "2099-01-01T00:00:00Z", "--reason", "x", "--db", target.db});
  CHECK(unknown.err.find("codepulse-collector: override not added: no budget 7 "
                         "(codepulse-collector budgets list shows them)\n") != std::string::npos);

  auto listed = run_collector({"budgets", "list", "--format", "json", "--db", target.db});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find(R"("id":1,"scope":"person","value":"alice@acme.example","period":"month",)"
                        R"("basis":"org","limit_usd":500.00,"warn_percent":80,"enforce":true,)"
                        R"("start":"2026-11-01","end":null,"note":"",)"
                        R"("created_by":"finance@acme.example",)") != std::string::npos);
  CHECK(listed.out.find(R"("until":"2099-01-01T00:00:00Z","reason":"launch",)"
                        R"("created_by":"lead@acme.example",)") != std::string::npos);
  CHECK(listed.out.find(R"("active":true)") != std::string::npos);
  auto table = run_collector({"budgets", "list", "--db", target.db});
  CHECK(table.out.find("OVERRIDE UNTIL") != std::string::npos);
  CHECK(table.out.find("2099-01-01T00:00:00Z") != std::string::npos);

  auto status = run_collector({"budgets", "status", "--format", "json", "--db", target.db});
  INFO(status.err);
  REQUIRE(status.exit_code == 0);
  CHECK(status.out.find(R"("id":"1","scope":"person","value":"alice@acme.example",)") !=
        std::string::npos);
  CHECK(status.out.find(R"("override_until":"2099-01-01T00:00:00Z")") != std::string::npos);
  auto status_table = run_collector({"budgets", "status", "--db", target.db});
  CHECK(status_table.out.find("FORECAST") != std::string::npos);

  auto removed = run_collector({"budgets", "remove", "1", "--db", target.db});
  CHECK(removed.exit_code == 0);
  CHECK(removed.out == "budget 1 removed\n");
  auto again = run_collector({"budgets", "remove", "1", "--db", target.db});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("codepulse-collector: budget not removed: no budget 1 "
                       "(codepulse-collector budgets list shows them)\n") != std::string::npos);
}
