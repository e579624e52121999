// Budget states for the hook's tests.
#include "tests/support/budget_fixtures.hpp"

namespace codepulse::test {

tracker::BudgetStanding budget(const std::string& state, bool enforce, const std::string& message) {
  tracker::BudgetStanding b;
  b.id = "bud_platform";
  b.scope = "team";
  b.value = "platform";
  b.period = "month";
  b.period_start = "2026-12-01";
  b.period_end = "2026-12-31";
  b.basis = "effective";
  b.limit_usd = 500.0;
  b.spent_usd = state == "over" ? 512.5 : state == "ok" ? 100.0 : 412.3;
  b.forecast_usd = state == "ok" ? 300.0 : 610.0;
  b.percent = state == "over" ? 102.5 : state == "ok" ? 20.0 : 82.46;  // as the collector rounds
  b.state = state;
  b.enforce = enforce;
  b.message = message;
  return b;
}

tracker::BudgetState budget_state(int64_t received_ms,
                                  std::vector<tracker::BudgetStanding> budgets) {
  return {received_ms, std::move(budgets)};
}

std::string budgets_json(const std::vector<tracker::BudgetStanding>& budgets) {
  // The file's JSON holds the same array under the same key.
  const std::string file = tracker::budget_state_json({0, budgets});
  const size_t start = file.find("\"budgets\":") + 10;
  return file.substr(start, file.rfind('}') - start);
}

}  // namespace codepulse::test
