// Budgets without a store (docs/BUDGETS.md): periods, the forecast worked
// out by hand, states, the developer's message, the JSON trackers read,
// which budgets apply to a tracker, the crossings that alert and their
// dedupe keys, and the checks of amounts, scopes and overlaps.
#include "collector/report/budget_state.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include "collector/alert/budget_alerts.hpp"
#include "common/time.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

constexpr int64_t kDollar = 1'000'000'000;

int64_t at(const char* iso) {
  return *parse_iso8601_utc_ms(iso);
}

BudgetRow budget(const std::string& scope, const std::string& value, int64_t dollars,
                 const std::string& period = "month") {
  BudgetRow b;
  b.id = 3;
  b.scope = scope;
  b.value = value;
  b.period = period;
  b.basis = "org";
  b.limit_nanos = dollars * kDollar;
  b.start_day = "2026-11-01";
  b.created_by = "finance@acme.example";
  return b;
}

BudgetStatus status(const BudgetRow& b, int64_t spent, int64_t forecast) {
  BudgetStatus s;
  s.budget = b;
  s.period_start = "2026-12-01";
  s.period_end = "2026-12-31";
  s.spent_nanos = spent;
  s.forecast_nanos = forecast;
  s.percent = 100.0 * static_cast<double>(spent) / static_cast<double>(b.limit_nanos);
  s.state = budget_state_of(b, spent, forecast);
  s.message = budget_message(s);
  return s;
}

}  // namespace

TEST_CASE("a budget's period is its UTC month or ISO week", "[collector][budgets]") {
  CHECK(budget_period("month", "2026-12-05").start == "2026-12-01");
  CHECK(budget_period("month", "2026-12-05").end == "2026-12-31");
  CHECK(budget_period("month", "2028-02-10").end == "2028-02-29");
  // 2026-12-05 is a Saturday: its ISO week runs Monday 11-30 to Sunday 12-06.
  CHECK(budget_period("week", "2026-12-05").start == "2026-11-30");
  CHECK(budget_period("week", "2026-12-05").end == "2026-12-06");
  CHECK(budget_period("week", "2026-11-30").start == "2026-11-30");
  CHECK(budget_period("week", "2026-12-06").start == "2026-11-30");
  CHECK(budget_period("week", "2027-01-01").start == "2026-12-28");
}

TEST_CASE("the forecast weighs weekdays and weekends by the trailing four weeks, by hand",
          "[collector][budgets]") {
  // The last 28 days: $200 on their 20 weekdays ($10 a weekday), $16 on
  // their 8 weekend days ($2 a weekend day).
  const DayWeights w = day_weights(200 * kDollar, 16 * kDollar);
  CHECK(w.weekday == Approx(10.0 * kDollar));
  CHECK(w.weekend == Approx(2.0 * kDollar));
  const BudgetPeriod week = budget_period("week", "2026-12-02");
  // Wednesday 00:00: Monday and Tuesday spent $30 (weights 10 + 10 = 20: $1.50
  // a unit). Left: Wednesday to Friday (30) and the weekend (2 + 2 = 4): 34
  // units, $51. Forecast $81.
  CHECK(budget_forecast(30 * kDollar, week, at("2026-12-02T00:00:00Z"), w) == 81 * kDollar);
  // Wednesday noon, $35 spent: elapsed 20 + 5 = 25 units ($1.40 a unit), left
  // 5 + 20 + 4 = 29 units: $40.60 more, $75.60.
  CHECK(budget_forecast(35 * kDollar, week, at("2026-12-02T12:00:00Z"), w) == 75'600'000'000);
  // Saturday 00:00, $50 spent over five weekdays (50 units, $1 a unit); the
  // weekend's 4 units: $54.
  CHECK(budget_forecast(50 * kDollar, week, at("2026-12-05T00:00:00Z"), w) == 54 * kDollar);
  // No history: every day weighs 1. December, the 11th at 00:00: $100 over 10
  // days, 21 days left: $310.
  const BudgetPeriod month = budget_period("month", "2026-12-11");
  CHECK(budget_forecast(100 * kDollar, month, at("2026-12-11T00:00:00Z"), day_weights(0, 0)) ==
        310 * kDollar);
  // At the period's first instant nothing is known yet: the forecast is what is spent.
  CHECK(budget_forecast(0, month, at("2026-12-01T00:00:00Z"), w) == 0);
  // A history of weekdays only: weekend days weigh nothing.
  const DayWeights weekdays_only = day_weights(200 * kDollar, 0);
  CHECK(weekdays_only.weekend == 0);
  // Sunday noon: elapsed 5 weekdays (50 units) and 1.5 weekend days (0): $1
  // a unit; left: half a Sunday of weight 0: nothing more.
  CHECK(budget_forecast(50 * kDollar, week, at("2026-12-06T12:00:00Z"), weekdays_only) ==
        50 * kDollar);
  // After the period: what was spent.
  CHECK(budget_forecast(70 * kDollar, week, at("2026-12-08T12:00:00Z"), w) == 70 * kDollar);
}

TEST_CASE("a budget's state: over, then forecast over, then warn, else ok",
          "[collector][budgets]") {
  const BudgetRow b = budget("person", "alice@acme.example", 500);
  CHECK(budget_state_of(b, 399 * kDollar, 450 * kDollar) == "ok");
  CHECK(budget_state_of(b, 400 * kDollar, 450 * kDollar) == "warn");  // 80 %
  CHECK(budget_state_of(b, 100 * kDollar, 500 * kDollar) == "forecast_over");
  CHECK(budget_state_of(b, 450 * kDollar, 600 * kDollar) == "forecast_over");
  CHECK(budget_state_of(b, 500 * kDollar, 500 * kDollar) == "over");
  BudgetRow strict = b;
  strict.warn_percent = 50;
  CHECK(budget_state_of(strict, 250 * kDollar, 300 * kDollar) == "warn");
  // The largest amounts compare exactly.
  BudgetRow huge = budget("org", "", 1'000'000);
  CHECK(budget_state_of(huge, 1'000'000 * kDollar, 0) == "over");
  CHECK(budget_state_of(huge, 1'000'000 * kDollar - 1, 0) == "warn");
}

TEST_CASE("trackers get each budget in the agreed shape, and only the ones that apply",
          "[collector][budgets]") {
  BudgetRow b = budget("person", "alice@acme.example", 500);
  b.enforce = true;
  BudgetStatus s = status(b, 412'300'000'000, 610 * kDollar);
  s.override_until_ms = at("2026-12-06T00:00:00Z");
  s.message = budget_message(s);
  std::string out;
  JsonWriter w(out);
  write_budget_status(w, s);
  CHECK(out == R"({"id":"3","scope":"person","value":"alice@acme.example","period":"month",)"
               R"("period_start":"2026-12-01","period_end":"2026-12-31","basis":"org",)"
               R"("limit_usd":500.00,"spent_usd":412.30,"forecast_usd":610.00,"percent":82.46,)"
               R"("state":"forecast_over","enforce":true,"override_until":"2026-12-06T00:00:00Z",)"
               R"("message":"Budget 3 (person alice@acme.example): $412.30 of $500.00 this month )"
               R"((82.46%), forecast $610.00 by 2026-12-31. At this rate it runs out before )"
               R"(2026-12-31. Overridden until 2026-12-06T00:00Z."})");
  simdjson::dom::parser p;
  simdjson::dom::element e = p.parse(out);
  CHECK(e["limit_usd"].is_double());
  CHECK(e["percent"].get_double().value() == 82.46);

  // Without an override: null, and the message says whom to ask.
  const BudgetStatus over =
      status(budget("repo", "github.com/acme/api", 100), 120 * kDollar, 130 * kDollar);
  out.clear();
  JsonWriter w2(out);
  write_budget_status(w2, over);
  CHECK(out.find(R"("override_until":null)") != std::string::npos);
  CHECK(over.message ==
        "Budget 3 (repo github.com/acme/api): $120.00 of $100.00 this month (120.00%), forecast "
        "$130.00 by 2026-12-31. Over budget. For more, ask finance@acme.example "
        "(codepulse-collector budgets override --budget 3).");

  const std::vector<BudgetStatus> all = {status(budget("org", "", 5000), 0, 0),
                                         status(budget("person", "alice@acme.example", 500), 0, 0),
                                         status(budget("person", "bob@acme.example", 500), 0, 0),
                                         status(budget("repo", "github.com/acme/api", 100), 0, 0),
                                         status(budget("repo", "github.com/acme/web", 100), 0, 0),
                                         status(budget("model", "claude-opus-4-6", 100), 0, 0)};
  const auto mine = budgets_for_tracker(all, {"Alice@Acme.example"}, {"github.com/acme/api"});
  REQUIRE(mine.size() == 3);
  CHECK(mine[0]->budget.scope == "org");
  CHECK(mine[1]->budget.value == "alice@acme.example");
  CHECK(mine[2]->budget.value == "github.com/acme/api");
}

TEST_CASE("each crossing alerts under its own key: budget, period and threshold",
          "[collector][budgets][alert]") {
  const BudgetRow b = budget("org", "", 100);
  CHECK(crossed_thresholds(status(b, 10 * kDollar, 50 * kDollar)).empty());
  CHECK(crossed_thresholds(status(b, 80 * kDollar, 95 * kDollar)) ==
        std::vector<std::string>{"warn"});
  CHECK(crossed_thresholds(status(b, 30 * kDollar, 120 * kDollar)) ==
        std::vector<std::string>{"forecast_over"});
  CHECK(crossed_thresholds(status(b, 100 * kDollar, 130 * kDollar)) ==
        std::vector<std::string>{"warn", "over", "forecast_over"});
  const auto alerts = budget_alerts({status(b, 100 * kDollar, 130 * kDollar)}, 1);
  REQUIRE(alerts.size() == 3);
  CHECK(alerts[0].dedupe_key == "budget:3:2026-12-01:warn");
  CHECK(alerts[1].dedupe_key == "budget:3:2026-12-01:over");
  CHECK(alerts[2].dedupe_key == "budget:3:2026-12-01:forecast_over");
  CHECK(alerts[1].source == "budget");
  CHECK(alerts[1].title == "codepulse: budget 3 (the organisation) is over budget");
  CHECK(alerts[1].text.find("$100.00 of $100.00 spent (org cost) from 2026-12-01 to 2026-12-31") !=
        std::string::npos);
  CHECK(check_alert(alerts[1], {"webhook"}));
  simdjson::dom::parser p;
  simdjson::dom::element d = p.parse(alerts[1].details);
  CHECK(std::string(d["threshold"].get_string().value()) == "over");
  CHECK(std::string(d["budget"]["state"].get_string().value()) == "over");
}

TEST_CASE("bad budgets are refused with a clear error", "[collector][budgets]") {
  CHECK(parse_budget_amount("500").value() == 500 * kDollar);
  CHECK(parse_budget_amount("$99.50").value() == 99'500'000'000);
  CHECK(parse_budget_amount("-5").error().message == "a budget's amount must be above 0, got '-5'");
  CHECK(parse_budget_amount("0").error().message == "a budget's amount must be above 0, got '0'");
  CHECK(parse_budget_amount("0.00").error().message ==
        "a budget's amount must be above 0, got '0.00'");
  CHECK(parse_budget_amount("lots").error().message.rfind(
            "a budget's amount must be US dollars above 0 like 500 or 99.50", 0) == 0);
  CHECK(parse_budget_amount("2000000").error().message.find("at most $1,000,000") !=
        std::string::npos);

  CHECK(check_budget(budget("galaxy", "x", 5)).error().message ==
        "unknown budget scope 'galaxy'; use org, person, team, repo, epic, model or assistant");
  CHECK(check_budget(budget("team", "platform", 5)));
  CHECK(check_budget(budget("team", "", 5))
            .error()
            .message.rfind("a team budget needs its value", 0) == 0);
  CHECK(check_budget(budget("org", "acme", 5))
            .error()
            .message.rfind("an org budget takes no value", 0) == 0);
  CHECK(check_budget(budget("repo", "", 5))
            .error()
            .message.rfind("a repo budget needs its value", 0) == 0);
  CHECK(check_budget(budget("person", "alice", 5)).error().message ==
        "a person budget's value must be the author's email, got 'alice'");
  CHECK(check_budget(budget("org", "", 5, "year")).error().message ==
        "a budget's period must be month or week, got 'year'");
  BudgetRow zero = budget("org", "", 5);
  zero.limit_nanos = 0;
  CHECK(check_budget(zero).error().message == "a budget's amount must be above 0");
  zero.limit_nanos = -kDollar;
  CHECK(check_budget(zero).error().message == "a budget's amount must be above 0");
  BudgetRow warn = budget("org", "", 5);
  warn.warn_percent = 100;
  CHECK(check_budget(warn).error().message ==
        "the warn threshold must be a percent from 1 to 99, got 100");
  BudgetRow dates = budget("org", "", 5);
  dates.end_day = "2026-10-31";
  CHECK(check_budget(dates).error().message ==
        "the end date 2026-10-31 is before the start date 2026-11-01");

  // Overlaps: the same scope, value (any case) and period kind on a common day.
  BudgetRow first = budget("person", "alice@acme.example", 500);
  first.id = 1;
  first.end_day = "2026-11-30";
  BudgetRow again = budget("person", "Alice@Acme.example", 600);
  again.id = 2;
  again.start_day = "2026-11-15";
  CHECK(check_budget_among(again, {first}).error().message ==
        "overlapping budgets: budget 1 (person alice@acme.example, $500.00 a month on org cost, "
        "2026-11-01 to 2026-11-30) already covers person Alice@Acme.example per month on these "
        "dates; remove it (budgets remove 1) or pick dates after its end");
  again.start_day = "2026-12-01";
  CHECK(check_budget_among(again, {first}));
  again.start_day = "2026-11-15";
  again.period = "week";  // a weekly budget beside a monthly one is allowed
  CHECK(check_budget_among(again, {first}));
}
