// ship: the budget state the collector returns with each batch
// acknowledgement ("budgets"), and its copy in <state>/budgets.json that the
// Claude Code hook reads (docs/HOOK.md). Only the budget fields: no prompt,
// path or code.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::tracker {

// One budget that applies to this tracker, as the collector stated it.
struct BudgetStanding {
  std::string id;
  std::string scope;                     // person, team, repo, org, model, assistant, epic
  std::string value;                     // which person, team, ...
  std::string period;                    // month or week
  std::string period_start, period_end;  // YYYY-MM-DD
  std::string basis;                     // org, list or effective
  double limit_usd = 0, spent_usd = 0, forecast_usd = 0, percent = 0;
  std::string state;  // ok, warn, over, forecast_over
  bool enforce = false;
  std::optional<std::string> override_until;  // ISO 8601 UTC instant, or none
  std::string message;                        // one line, controls removed
  bool operator==(const BudgetStanding&) const = default;
};

// The budgets last received, and when (the hook ignores a stale state).
struct BudgetState {
  int64_t received_ms = 0;
  std::vector<BudgetStanding> budgets;
  bool operator==(const BudgetState&) const = default;
};

// At most this many budgets are kept from one answer; more is malformed.
inline constexpr size_t kMaxBudgets = 256;

// The "budgets" of an acknowledgement: nullopt when it has none (a collector
// without budgets), an error naming the first bad field when malformed.
Result<std::optional<std::vector<BudgetStanding>>> budgets_in(simdjson::dom::element ack);

// <state>/budgets.json
std::string budget_state_path(const std::string& state_dir);
// The file's JSON: {"received_ms", "received", "budgets": [...]}.
std::string budget_state_json(const BudgetState& state);
// Parses the file's JSON; an error when it is not that.
Result<BudgetState> parse_budget_state(std::string_view text);
// Writes <state>/budgets.json atomically (temporary file, then rename), 0600.
Status write_budget_state(const std::string& state_dir, const BudgetState& state);
// Reads <state>/budgets.json; an error when it is missing or unreadable.
Result<BudgetState> read_budget_state(const std::string& state_dir);

}  // namespace codepulse::tracker
