// Budgets' JSON, tables and the check before one is added (budget_views.hpp).
#include "collector/report/budget_views.hpp"

#include <cstdio>

#include "collector/report/budget_state.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"

namespace codepulse::collector {
namespace {

void write_budget(JsonWriter& w, const BudgetRow& b, const std::vector<BudgetOverride>& overrides,
                  int64_t now_ms) {
  w.begin_object()
      .field("id", b.id)
      .field("scope", b.scope)
      .field("value", b.value)
      .field("period", b.period)
      .field("basis", b.basis)
      .key("limit_usd")
      .raw_number(format_usd(b.limit_nanos, 2))
      .field("warn_percent", b.warn_percent)
      .field("enforce", b.enforce)
      .field("start", b.start_day)
      .key("end");
  if (b.end_day.empty())
    w.null();
  else
    w.value(b.end_day);
  w.field("note", b.note)
      .field("created_by", b.created_by)
      .field("created_at", iso_seconds(b.created_ms))
      .key("overrides")
      .begin_array();
  for (const BudgetOverride& o : overrides)
    if (o.budget_id == b.id)
      w.begin_object()
          .field("id", o.id)
          .field("until", iso_seconds(o.until_ms))
          .field("reason", o.reason)
          .field("created_by", o.created_by)
          .field("created_at", iso_seconds(o.created_ms))
          .field("active", o.until_ms > now_ms)
          .end_object();
  w.end_array().end_object();
}

std::string active_override(const BudgetRow& b, const std::vector<BudgetOverride>& overrides,
                            int64_t now_ms) {
  int64_t until = 0;
  for (const BudgetOverride& o : overrides)
    if (o.budget_id == b.id && o.until_ms > now_ms) until = std::max(until, o.until_ms);
  return until ? iso_seconds(until) : "";
}

}  // namespace

std::string budget_json(const BudgetRow& b, const std::vector<BudgetOverride>& overrides,
                        int64_t now_ms) {
  std::string out;
  JsonWriter w(out);
  write_budget(w, b, overrides, now_ms);
  return out;
}

std::string budgets_json(const std::vector<BudgetRow>& budgets,
                         const std::vector<BudgetOverride>& overrides, int64_t now_ms) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("budgets").begin_array();
  for (const BudgetRow& b : budgets)
    write_budget(w, b, overrides, now_ms);
  w.end_array().end_object();
  return out;
}

std::string budget_statuses_json(const std::vector<BudgetStatus>& statuses, int64_t computed_ms) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("computed_at", iso_seconds(computed_ms)).key("budgets").begin_array();
  for (const BudgetStatus& s : statuses)
    write_budget_status(w, s);
  w.end_array().end_object();
  return out;
}

std::vector<std::vector<std::string>> budgets_table(const std::vector<BudgetRow>& budgets,
                                                    const std::vector<BudgetOverride>& overrides,
                                                    int64_t now_ms) {
  std::vector<std::vector<std::string>> rows{{"ID", "SCOPE", "VALUE", "PERIOD", "BASIS", "LIMIT",
                                              "WARN", "ENFORCE", "START", "END", "OVERRIDE UNTIL",
                                              "BY"}};
  for (const BudgetRow& b : budgets)
    rows.push_back({std::to_string(b.id), b.scope, b.value, b.period, b.basis,
                    "$" + format_usd(b.limit_nanos, 2), std::to_string(b.warn_percent) + "%",
                    b.enforce ? "yes" : "no", b.start_day, b.end_day.empty() ? "-" : b.end_day,
                    active_override(b, overrides, now_ms), b.created_by});
  return rows;
}

std::vector<std::vector<std::string>> budget_status_table(
    const std::vector<BudgetStatus>& statuses) {
  std::vector<std::vector<std::string>> rows{{"ID", "SCOPE", "VALUE", "PERIOD", "SPENT", "LIMIT",
                                              "PERCENT", "FORECAST", "STATE", "OVERRIDE UNTIL"}};
  for (const BudgetStatus& s : statuses) {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.2f%%", s.percent);
    rows.push_back({std::to_string(s.budget.id), s.budget.scope, s.budget.value,
                    s.period_start + ".." + s.period_end, "$" + format_usd(s.spent_nanos, 2),
                    "$" + format_usd(s.budget.limit_nanos, 2), pct,
                    "$" + format_usd(s.forecast_nanos, 2), s.state,
                    s.override_until_ms ? iso_seconds(*s.override_until_ms) : ""});
  }
  return rows;
}

std::string unseen_budget_value(const BudgetRow& b) {
  if (b.scope == "team")
    return "the people directory has no team, group or organisation '" + b.value +
           "'; check the spelling (codepulse-collector people list shows the teams), or add "
           "the budget anyway with --allow-unseen (\"allow_unseen\": true in the API): it "
           "counts nothing until the directory has the team";
  return "no record has " + b.scope + " '" + b.value +
         "' yet; check the spelling (codepulse-collector report --group-by " +
         (b.scope == "person" ? std::string("author") : b.scope) +
         " lists them), or add the budget anyway with --allow-unseen "
         "(\"allow_unseen\": true in the API)";
}

Status check_new_budget(Store& store, const BudgetRow& b, bool allow_unseen) {
  if (auto ok = check_budget(b); !ok) return ok;
  if (allow_unseen) return {};
  auto seen = budget_value_seen(store, b.scope, b.value);
  if (!seen) return seen.error();
  if (!*seen) return make_error(unseen_budget_value(b));
  return {};
}

}  // namespace codepulse::collector
