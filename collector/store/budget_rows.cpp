// What every store makes of budgets: the checks before a budget or an
// override is stored, and the rows read back (budget_rows.hpp).
#include "collector/store/budget_rows.hpp"

#include <algorithm>

#include "collector/store/provider_rows.hpp"
#include "collector/store/seat_rows.hpp"
#include "common/ascii.hpp"
#include "common/pricing/usd.hpp"
#include "common/text_controls.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

bool plain(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && find_control_character(s) == std::string_view::npos &&
         replace_invalid_utf8(s) == s;
}

std::string shown(std::string_view s) {
  return "'" + replace_control_characters(s.substr(0, 200)) + "'";
}

bool known(const std::string& name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const std::vector<std::string>& budget_scope_names() {
  static const std::vector<std::string> names{"org",  "person", "team",     "repo",
                                              "epic", "model",  "assistant"};
  return names;
}

Result<int64_t> parse_budget_amount(std::string_view text) {
  // Seats' prices are read the same way: dollars with at most 9 decimals, at
  // most $1,000,000; a budget's amount must also be above 0.
  if (!text.empty() && (text[0] == '-' || text.starts_with("$-")))
    return make_error("a budget's amount must be above 0, got " + shown(text));
  auto nanos = parse_seat_price(text);
  if (!nanos)
    return make_error(
        "a budget's amount must be US dollars above 0 like 500 or 99.50 (at most "
        "$1,000,000, 9 decimals), got " +
        shown(text));
  if (*nanos == 0) return make_error("a budget's amount must be above 0, got " + shown(text));
  return *nanos;
}

Status check_budget(const BudgetRow& b) {
  const auto& scopes = budget_scope_names();
  if (std::find(scopes.begin(), scopes.end(), b.scope) == scopes.end())
    return make_error("unknown budget scope " + shown(b.scope) +
                      "; use org, person, team, repo, epic, model or assistant");
  if (b.scope == "org" && !b.value.empty())
    return make_error("an org budget takes no value (it covers the whole organisation), got " +
                      shown(b.value));
  if (b.scope != "org" && !plain(b.value, kMaxBudgetValue))
    return make_error("a " + b.scope + " budget needs its value (" +
                      (b.scope == "person" ? std::string("the author's email")
                       : b.scope == "team"
                           ? std::string("a team, group or organisation of the people directory")
                           : "the " + b.scope + " as reports name it") +
                      ") of at most 512 bytes, without control characters");
  if (b.scope == "person" && b.value.find('@') == std::string::npos)
    return make_error("a person budget's value must be the author's email, got " + shown(b.value));
  if (!known(b.period, {"month", "week"}))
    return make_error("a budget's period must be month or week, got " + shown(b.period));
  if (!known(b.basis, {"org", "list", "effective"}))
    return make_error("a budget's cost basis must be org, list or effective, got " +
                      shown(b.basis));
  if (b.limit_nanos <= 0) return make_error("a budget's amount must be above 0");
  if (b.limit_nanos > kMaxBudgetNanos)
    return make_error("a budget's amount must be at most $1,000,000");
  if (b.warn_percent < 1 || b.warn_percent > 99)
    return make_error("the warn threshold must be a percent from 1 to 99, got " +
                      std::to_string(b.warn_percent));
  if (!valid_day(b.start_day))
    return make_error("the start date must be a date (YYYY-MM-DD), got " + shown(b.start_day));
  if (!b.end_day.empty()) {
    if (!valid_day(b.end_day))
      return make_error("the end date must be a date (YYYY-MM-DD), got " + shown(b.end_day));
    if (b.end_day < b.start_day)
      return make_error("the end date " + b.end_day + " is before the start date " + b.start_day);
  }
  if (b.note.size() > kMaxBudgetNote || replace_invalid_utf8(b.note) != b.note)
    return make_error("a budget's note must be UTF-8 of at most 1000 bytes");
  return {};
}

Status check_budget_among(const BudgetRow& b, const std::vector<BudgetRow>& others) {
  if (auto ok = check_budget(b); !ok) return ok;
  // Days compare as text: "YYYY-MM-DD" sorts as the dates do; "" is open.
  auto ends_before = [](const std::string& end, const std::string& start) {
    return !end.empty() && end < start;
  };
  for (const BudgetRow& o : others) {
    if (o.id == b.id || o.scope != b.scope || o.period != b.period || !iequals(o.value, b.value))
      continue;
    if (ends_before(b.end_day, o.start_day) || ends_before(o.end_day, b.start_day)) continue;
    return make_error(
        "overlapping budgets: " + budget_name(o) + " already covers " +
        (b.scope == "org" ? std::string("the organisation") : b.scope + " " + b.value) + " per " +
        b.period + " on these dates; remove it (budgets remove " + std::to_string(o.id) +
        ") or pick dates after its end");
  }
  return {};
}

Result<BudgetRow> budget_to_add(const BudgetRow& b, const std::vector<BudgetRow>& stored) {
  BudgetRow row = b;
  if (row.scope == "person") row.value = ascii_lower(row.value);
  row.id = 1;
  for (const BudgetRow& o : stored)
    row.id = std::max(row.id, o.id + 1);
  if (auto ok = check_budget_among(row, stored); !ok) return ok.error();
  return row;
}

Result<BudgetOverride> override_to_add(const BudgetOverride& o,
                                       const std::vector<BudgetRow>& stored,
                                       const std::vector<BudgetOverride>& overrides,
                                       int64_t now_ms) {
  if (std::none_of(stored.begin(), stored.end(),
                   [&](const BudgetRow& b) { return b.id == o.budget_id; }))
    return no_budget(o.budget_id).error();
  if (o.until_ms <= now_ms)
    return make_error(
        "an override's end must be in the future (--until, an ISO time like "
        "2026-12-06T00:00:00Z)");
  if (!plain(o.reason, kMaxOverrideReason))
    return make_error(
        "an override needs a reason (--reason) of at most 500 bytes, without "
        "control characters");
  BudgetOverride row = o;
  row.id = 1;
  for (const BudgetOverride& x : overrides)
    row.id = std::max(row.id, x.id + 1);
  return row;
}

Status no_budget(int64_t id) {
  return make_error("no budget " + std::to_string(id) +
                    " (codepulse-collector budgets list shows them)");
}

std::string budget_name(const BudgetRow& b) {
  return "budget " + std::to_string(b.id) + " (" +
         (b.scope == "org" ? std::string("org") : b.scope + " " + b.value) + ", $" +
         format_usd(b.limit_nanos, 2) + " a " + b.period + " on " + b.basis + " cost, " +
         b.start_day + " to " + (b.end_day.empty() ? "open" : b.end_day) + ")";
}

Result<BudgetRow> read_budget(const RowView& row) {
  BudgetRow b;
  b.id = row.int64(0);
  b.scope = std::string(row.text(1));
  b.value = std::string(row.text(2));
  b.period = std::string(row.text(3));
  b.basis = std::string(row.text(4));
  b.limit_nanos = row.int64(5);
  b.warn_percent = row.int64(6);
  b.enforce = row.int64(7) != 0;
  b.start_day = std::string(row.text(8));
  b.end_day = std::string(row.text(9));
  b.note = std::string(row.text(10));
  b.created_by = std::string(row.text(11));
  b.created_ms = row.int64(12);
  if (!valid_day(b.start_day) || (!b.end_day.empty() && !valid_day(b.end_day)))
    return make_error("budget " + std::to_string(b.id) + " has a stored date that is not a date");
  return b;
}

Result<BudgetOverride> read_budget_override(const RowView& row) {
  BudgetOverride o;
  o.id = row.int64(0);
  o.budget_id = row.int64(1);
  o.until_ms = row.int64(2);
  o.reason = std::string(row.text(3));
  o.created_by = std::string(row.text(4));
  o.created_ms = row.int64(5);
  return o;
}

}  // namespace codepulse::collector
