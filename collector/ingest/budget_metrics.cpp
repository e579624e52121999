// The budgets' Prometheus series (budget_metrics.hpp).
#include "collector/ingest/budget_metrics.hpp"

#include "common/pricing/usd.hpp"

namespace codepulse::collector {
namespace {

// A label value as the text format wants it: \, " and newlines escaped.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
}

int state_number(const std::string& state) {
  return state == "over" ? 3 : state == "forecast_over" ? 2 : state == "warn" ? 1 : 0;
}

}  // namespace

std::string budget_metrics_text(const BudgetSnapshot* snapshot) {
  std::string out;
  const char* names[][2] = {
      {"codepulse_budget_state",
       "Budget state in its current period: 0 ok, 1 warn, 2 forecast_over, 3 over."},
      {"codepulse_budget_percent", "Budget spent in its current period, in percent of its limit."},
      {"codepulse_budget_spent_usd", "Budget spend in its current period, on its cost basis."},
      {"codepulse_budget_limit_usd", "Budget amount per period."},
      {"codepulse_budget_forecast_usd", "Budget spend forecast to its period's end."}};
  for (size_t i = 0; i < std::size(names); ++i) {
    header(out, names[i][0], names[i][1]);
    if (!snapshot) continue;
    for (const BudgetStatus& s : snapshot->statuses) {
      const BudgetRow& b = s.budget;
      out += std::string(names[i][0]) + "{budget=\"" + std::to_string(b.id) + "\",scope=\"" +
             label(b.scope) + "\",period=\"" + b.period + "\"} ";
      switch (i) {
        case 0:
          out += std::to_string(state_number(s.state));
          break;
        case 1:
          out += std::to_string(s.percent);
          break;
        case 2:
          out += format_usd(s.spent_nanos);
          break;
        case 3:
          out += format_usd(b.limit_nanos);
          break;
        default:
          out += format_usd(s.forecast_nanos);
          break;
      }
      out += "\n";
    }
  }
  const std::pair<const char*, const char*> spends[] = {
      {"codepulse_spend_month_by_repo_usd",
       "This UTC month's spend (org cost) of the largest repositories; the rest as other."},
      {"codepulse_spend_month_by_model_usd",
       "This UTC month's spend (org cost) of the largest models; the rest as other."}};
  for (const auto& [name, help] : spends) {
    header(out, name, help);
    if (!snapshot) continue;
    const bool repo = std::string_view(name).find("repo") != std::string_view::npos;
    for (const auto& [key, nanos] : repo ? snapshot->repo_spend : snapshot->model_spend)
      out += std::string(name) + "{" + (repo ? "repo" : "model") + "=\"" + label(key) + "\"} " +
             format_usd(nanos) + "\n";
  }
  return out;
}

}  // namespace codepulse::collector
