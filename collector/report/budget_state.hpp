// Budgets' state in their current period (docs/BUDGETS.md): the spend of
// each budget's scope from the report engine over the store (the numbers
// `report` gives), the forecast to the period's end, the state, and the
// spend by repository and model that /metrics shows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "collector/store/budget_status.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// A budget period's first and last day (UTC, "YYYY-MM-DD").
struct BudgetPeriod {
  std::string start, end;
};
// The period of kind `period` ("month": the UTC calendar month; "week": the
// ISO week, Monday to Sunday) that holds `day`.
BudgetPeriod budget_period(const std::string& period, const std::string& day);

// How much a weekday and a weekend day weigh in the forecast: the average
// spend per weekday and per weekend day of the trailing 28 days (20
// weekdays, 8 weekend days); both 1 when those days spent nothing.
struct DayWeights {
  double weekday = 1, weekend = 1;
};
DayWeights day_weights(int64_t trailing_weekday_nanos, int64_t trailing_weekend_nanos);

// The forecast to the end of `p` at `now_ms`: spent + spent / E * R, where
// E weighs the period's days so far (today by the part of it gone) and R
// the days left (the rest of today too), each day by `w`. When E is 0 with
// `w`, every day weighs 1; before the period starts or at its very first
// instant the forecast is what is spent; after its end, spent.
int64_t budget_forecast(int64_t spent_nanos, const BudgetPeriod& p, int64_t now_ms,
                        const DayWeights& w);

// The state of every budget in force today (its dates hold today), by id.
// A team budget counts the records whose author was, on the record's UTC
// day, in a node of the team's subtree (people directory). Without a
// budget in force nothing is read; `reports_run` counts the reports run.
Result<std::vector<BudgetStatus>> budget_statuses(Store& store, int64_t now_ms,
                                                  size_t* reports_run = nullptr);

// The budgets' states and this UTC month's spend (BudgetSnapshot), the
// `top` largest repositories and models kept and the rest summed as "other".
Result<BudgetSnapshot> budget_snapshot(Store& store, int64_t now_ms, size_t top);

// Whether any record ever had `value` in the scope's dimension (any case
// for a person; a team: whether the people directory has the node, any
// case); org is always seen. Used to refuse a budget on a value
// never seen unless asked for (--allow-unseen, "allow_unseen").
Result<bool> budget_value_seen(Store& store, const std::string& scope, const std::string& value);

}  // namespace codepulse::collector
