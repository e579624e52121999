// The budgets' Prometheus series for GET /metrics (docs/BUDGETS.md
// "Metrics"): per budget its state, percent, spend and limit, and this
// month's spend by repository and by model, the top few and "other".
#pragma once

#include <string>

#include "collector/store/budget_status.hpp"

namespace codepulse::collector {

// The series of `snapshot` (none before the first refresh: only the HELP
// and TYPE lines). Label values are escaped as the text format says.
std::string budget_metrics_text(const BudgetSnapshot* snapshot);

}  // namespace codepulse::collector
