// Budgets shown to people: the JSON the CLI and the APIs answer with, the
// rows of the CLI's tables, and the check both make before a budget is
// added (its scope's value seen in the records, unless allowed).
#pragma once

#include <string>
#include <vector>

#include "collector/store/budget_status.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// {"id", "scope", "value", "period", "basis", "limit_usd", "warn_percent",
//  "enforce", "start", "end" (null while open), "note", "created_by",
//  "created_at", "overrides": [{"id", "until", "reason", "created_by",
//  "created_at", "active"}]}
std::string budget_json(const BudgetRow& b, const std::vector<BudgetOverride>& overrides,
                        int64_t now_ms);
// {"budgets": [budget_json...]}
std::string budgets_json(const std::vector<BudgetRow>& budgets,
                         const std::vector<BudgetOverride>& overrides, int64_t now_ms);
// {"computed_at", "budgets": [the trackers' objects (write_budget_status)]}
std::string budget_statuses_json(const std::vector<BudgetStatus>& statuses, int64_t computed_ms);

// A header row, then one row per budget, or per budget's state.
std::vector<std::vector<std::string>> budgets_table(const std::vector<BudgetRow>& budgets,
                                                    const std::vector<BudgetOverride>& overrides,
                                                    int64_t now_ms);
std::vector<std::vector<std::string>> budget_status_table(
    const std::vector<BudgetStatus>& statuses);

// Before a budget is added: its fields (check_budget), then a scope value
// no record ever had is refused unless `allow_unseen` ("never seen in any
// record; check the spelling, or add it with --allow-unseen").
Status check_new_budget(Store& store, const BudgetRow& b, bool allow_unseen);
// The refusal of a value never seen.
std::string unseen_budget_value(const BudgetRow& b);

}  // namespace codepulse::collector
