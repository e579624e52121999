// The budget alert source (docs/BUDGETS.md "Alerts"): each threshold a
// budget's period crosses (warn, over, forecast_over) alerts once, through
// the outbox: the dedupe key holds the budget, its period and the
// threshold, so restarts and several collectors enqueue it only once.
#pragma once

#include <cstdint>
#include <vector>

#include "collector/alert/alert_dispatcher.hpp"
#include "collector/store/budget_status.hpp"

namespace codepulse::collector {

// The thresholds `s` has crossed ("warn" at its warn percent, "over" at
// 100 %, "forecast_over" when the forecast reaches the limit), in that order.
std::vector<std::string> crossed_thresholds(const BudgetStatus& s);

// "budget:3:2026-12-01:warn": one key per budget, period and threshold.
std::string budget_alert_key(const BudgetStatus& s, const std::string& threshold);

// The alert of one crossing.
AlertMessage budget_alert(const BudgetStatus& s, const std::string& threshold, int64_t now_ms);

// The alerts of every crossing of `statuses`.
std::vector<AlertMessage> budget_alerts(const std::vector<BudgetStatus>& statuses, int64_t now_ms);

// Adds the check to `d`: every `interval_ms` (and when asked) the budgets'
// state is worked out (budget_statuses) and each crossing enqueued.
void watch_budgets(AlertDispatcher& d, Store& store, int64_t interval_ms);

}  // namespace codepulse::collector
