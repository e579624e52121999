// Budget states for the hook's tests: one budget in a given state, as the
// collector's acknowledgement carries it and as <state>/budgets.json holds it.
#pragma once

#include <cstdint>
#include <string>

#include "tracker/ship/budget_state.hpp"

namespace codepulse::test {

// A team budget "platform" for December 2026 in `state` ("ok", "warn",
// "over", "forecast_over").
tracker::BudgetStanding budget(const std::string& state, bool enforce = false,
                               const std::string& message = "Team platform: $500 a month");

// A state of the given budgets received at `received_ms`.
tracker::BudgetState budget_state(int64_t received_ms,
                                  std::vector<tracker::BudgetStanding> budgets);

// The acknowledgement's "budgets" array as JSON text.
std::string budgets_json(const std::vector<tracker::BudgetStanding>& budgets);

}  // namespace codepulse::test
