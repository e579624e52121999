// Budgets as the store keeps them (tables budgets and budget_overrides,
// docs/BUDGETS.md): an amount in US dollars per month or ISO week for one
// scope (a dimension and its value: the organisation, a person, a
// repository...), the checks a budget passes before it is stored, and the
// admins' time-limited overrides of an enforced budget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/row_view.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct BudgetRow {
  int64_t id = 0;
  std::string scope;        // budget_scope_names(): "org", "person", "repo", ...
  std::string value;        // the scope's value ("" for org); a person lower-cased when stored
  std::string period;       // "month" (UTC calendar month) or "week" (ISO week, Monday, UTC)
  std::string basis;        // "org", "list" or "effective" (report::CostBasis)
  int64_t limit_nanos = 0;  // the amount per period, in nano-dollars
  int64_t warn_percent = 80;
  bool enforce = false;   // trackers may block new prompts at 100 %
  std::string start_day;  // "YYYY-MM-DD", the first day it applies
  std::string end_day;    // the last day; "" while open
  std::string note;
  std::string created_by;
  int64_t created_ms = 0;
  bool operator==(const BudgetRow&) const = default;
};

// An admin's override of a budget: its enforcement is lifted until until_ms.
struct BudgetOverride {
  int64_t id = 0;
  int64_t budget_id = 0;
  int64_t until_ms = 0;
  std::string reason;
  std::string created_by;
  int64_t created_ms = 0;
  bool operator==(const BudgetOverride&) const = default;
};

inline constexpr int64_t kMaxBudgetNanos = 1'000'000'000'000'000;  // $1,000,000 a period
inline constexpr size_t kMaxBudgetValue = 512;
inline constexpr size_t kMaxBudgetNote = 1000;
inline constexpr size_t kMaxOverrideReason = 500;

// Every scope a budget may name, in the order they are documented ("team":
// a node of the people directory and its subtree).
const std::vector<std::string>& budget_scope_names();

// "500", "99.50", "$1200": dollars above 0, at most $1,000,000, as
// nano-dollars. Errors say what is wrong (negative, zero, not an amount).
Result<int64_t> parse_budget_amount(std::string_view text);

// The budget's own fields: a known scope, a value for every scope but org
// (none for org), month or week, a known basis, an amount above 0, a warn
// threshold from 1 to 99, real days with the end (if any) on or after the
// start, a note of at most 1000 bytes.
Status check_budget(const BudgetRow& b);
// check_budget, then: no other budget of `others` (its own id aside) has
// the same scope, value (any case) and period kind on a common day. The
// error names the budget it overlaps.
Status check_budget_among(const BudgetRow& b, const std::vector<BudgetRow>& others);

// What a store writes, worked out from every budget it holds in the
// writing transaction: the next id, a person's value lower-cased; checked by
// check_budget_among.
Result<BudgetRow> budget_to_add(const BudgetRow& b, const std::vector<BudgetRow>& stored);
// An override of a stored budget: the next id; a reason (at most 500
// bytes) and an end after `now_ms` required; an unknown budget an error.
Result<BudgetOverride> override_to_add(const BudgetOverride& o,
                                       const std::vector<BudgetRow>& stored,
                                       const std::vector<BudgetOverride>& overrides,
                                       int64_t now_ms);
Status no_budget(int64_t id);

// "budget 3 (person alice@example.com, $500.00 a month on org cost, from
// 2026-12-01)": how errors and lists name a budget.
std::string budget_name(const BudgetRow& b);

// Rows as the stores read them (budget_sql.hpp selects these column orders).
Result<BudgetRow> read_budget(const RowView& row);
Result<BudgetOverride> read_budget_override(const RowView& row);

}  // namespace codepulse::collector
