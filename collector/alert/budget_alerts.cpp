// The budget alert source (budget_alerts.hpp).
#include "collector/alert/budget_alerts.hpp"

#include "collector/report/budget_state.hpp"
#include "common/pricing/usd.hpp"

namespace codepulse::collector {
namespace {

std::string dollars(int64_t nanos) {
  return "$" + format_usd(nanos, 2);
}

std::string scope_text(const BudgetRow& b) {
  return b.scope == "org" ? std::string("the organisation") : b.scope + " " + b.value;
}

}  // namespace

std::vector<std::string> crossed_thresholds(const BudgetStatus& s) {
  std::vector<std::string> out;
  const BudgetRow& b = s.budget;
  if (budget_state_of(b, s.spent_nanos, 0) != "ok") out.push_back("warn");
  if (budget_state_of(b, s.spent_nanos, 0) == "over") out.push_back("over");
  if (budget_state_of(b, 0, s.forecast_nanos) == "forecast_over") out.push_back("forecast_over");
  return out;
}

std::string budget_alert_key(const BudgetStatus& s, const std::string& threshold) {
  return "budget:" + std::to_string(s.budget.id) + ":" + s.period_start + ":" + threshold;
}

AlertMessage budget_alert(const BudgetStatus& s, const std::string& threshold, int64_t now_ms) {
  const BudgetRow& b = s.budget;
  AlertMessage a;
  a.dedupe_key = budget_alert_key(s, threshold);
  a.source = "budget";
  const std::string what = threshold == "warn"
                               ? "passed its " + std::to_string(b.warn_percent) + "% warning"
                           : threshold == "over" ? "is over budget"
                                                 : "is forecast to go over budget";
  a.title = "codepulse: budget " + std::to_string(b.id) + " (" + scope_text(b) + ") " + what;
  a.text = "Budget " + std::to_string(b.id) + " for " + scope_text(b) + ": " +
           dollars(s.spent_nanos) + " of " + dollars(b.limit_nanos) + " spent (" + b.basis +
           " cost) from " + s.period_start + " to " + s.period_end + ", forecast " +
           dollars(s.forecast_nanos) + " by the period's end.";
  if (b.enforce) a.text += "\nEnforced: trackers block new prompts at 100 %.";
  a.text += "\nSee: codepulse-collector budgets status";
  JsonWriter w(a.details);
  w.begin_object().field("threshold", threshold).key("budget");
  write_budget_status(w, s);
  w.end_object();
  a.created_ms = now_ms;
  return a;
}

std::vector<AlertMessage> budget_alerts(const std::vector<BudgetStatus>& statuses, int64_t now_ms) {
  std::vector<AlertMessage> out;
  for (const BudgetStatus& s : statuses)
    for (const std::string& t : crossed_thresholds(s))
      out.push_back(budget_alert(s, t, now_ms));
  return out;
}

void watch_budgets(AlertDispatcher& d, Store& store, int64_t interval_ms) {
  d.add_check(
      "budgets",
      [&d, &store](int64_t now_ms) -> Status {
        auto statuses = budget_statuses(store, now_ms);
        if (!statuses) return statuses.error();
        for (const AlertMessage& a : budget_alerts(*statuses, now_ms))
          if (auto added = d.enqueue(a); !added) return added.error();
        return {};
      },
      interval_ms);
}

}  // namespace codepulse::collector
