// A budget's state in its current period (docs/BUDGETS.md), as the budget
// checker works it out (collector/report/budget_state.hpp) and as trackers
// (each batch acknowledgement), the API and the CLI are told it: spent,
// forecast, percent, ok / warn / over / forecast_over, and an override.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "collector/store/budget_rows.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {

struct BudgetStatus {
  BudgetRow budget;
  std::string period_start, period_end;      // the period's first and last day, UTC
  int64_t spent_nanos = 0;                   // in the period so far, on the budget's basis
  int64_t forecast_nanos = 0;                // to the period's end (docs/BUDGETS.md "Forecast")
  double percent = 0;                        // spent in percent of the limit
  std::string state;                         // "ok", "warn", "over", "forecast_over"
  std::optional<int64_t> override_until_ms;  // an override in force until then
  std::string message;                       // one line for the developer
  // The authors (lower-cased emails and aliases) a team budget applies to
  // on a tracker: the people of the team's subtree today; a repository
  // budget's: the authors with spend in the repository this period (for
  // answers that name no repository: GET /v1/generation).
  std::set<std::string> tracker_authors;
  bool operator==(const BudgetStatus&) const = default;
};

// What a refresh of the budgets gives (collector/report/budget_state.hpp:
// budget_snapshot): the states of the budgets in force and this UTC month's
// spend (org cost) by repository and by model, the largest few of each and
// the rest as "other" (bounded: /metrics shows them).
struct BudgetSnapshot {
  std::vector<BudgetStatus> statuses;
  std::vector<std::pair<std::string, int64_t>> repo_spend, model_spend;
  int64_t computed_ms = 0;
  size_t reports_run = 0;  // reports the refresh ran (none without a budget in force)
};

// The state of spent and forecast against the limit: over at 100 % spent,
// else forecast_over when the forecast reaches the limit, else warn at the
// budget's warn threshold, else ok.
std::string budget_state_of(const BudgetRow& b, int64_t spent_nanos, int64_t forecast_nanos);

// "2026-12-06T00:00:00Z": an instant to the second, as budgets show them.
std::string iso_seconds(int64_t ms);

// The one line a developer reads: what, how much, who to ask.
std::string budget_message(const BudgetStatus& s);

// The object trackers get in "budgets" (docs/BUDGETS.md: the fields and
// their types are fixed): id, scope, value, period, period_start,
// period_end, basis, limit_usd, spent_usd, forecast_usd, percent, state,
// enforce, override_until, message.
void write_budget_status(JsonWriter& w, const BudgetStatus& s);

// The budgets that apply to a tracker whose batch holds records of
// `authors` in `repos`: the organisation's, the persons' (any case), the
// repositories' (`repos`, and with `repos_spent`, those an author spent in
// this period) and the teams' an author is in today (any case).
std::vector<const BudgetStatus*> budgets_for_tracker(const std::vector<BudgetStatus>& all,
                                                     const std::set<std::string>& authors,
                                                     const std::set<std::string>& repos,
                                                     bool repos_spent = false);

}  // namespace codepulse::collector
