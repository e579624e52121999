// A budget's state, its message and its JSON (budget_status.hpp).
#include "collector/store/budget_status.hpp"

#include <cstdio>

#include "common/ascii.hpp"
#include "common/pricing/usd.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

__extension__ typedef __int128 Wide;  // spent * 100 passes int64 for large amounts

std::string dollars(int64_t nanos) {
  return "$" + format_usd(nanos, 2);
}

std::string percent_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", p);
  return buf;
}

std::string scope_text(const BudgetRow& b) {
  return b.scope == "org" ? std::string("organisation") : b.scope + " " + b.value;
}

}  // namespace

std::string iso_seconds(int64_t ms) {
  return format_iso8601_utc_ms(ms).substr(0, 19) + "Z";
}

std::string budget_state_of(const BudgetRow& b, int64_t spent_nanos, int64_t forecast_nanos) {
  // Compared in nano-dollars: amount * 100 >= limit * percent, exactly.
  const auto reaches = [&](int64_t amount, int64_t pct) {
    return static_cast<Wide>(amount) * 100 >= static_cast<Wide>(b.limit_nanos) * pct;
  };
  if (reaches(spent_nanos, 100)) return "over";
  if (reaches(forecast_nanos, 100)) return "forecast_over";
  if (reaches(spent_nanos, b.warn_percent)) return "warn";
  return "ok";
}

std::string budget_message(const BudgetStatus& s) {
  const BudgetRow& b = s.budget;
  std::string out = "Budget " + std::to_string(b.id) + " (" + scope_text(b) +
                    "): " + dollars(s.spent_nanos) + " of " + dollars(b.limit_nanos) + " this " +
                    b.period + " (" + percent_text(s.percent) + "%), forecast " +
                    dollars(s.forecast_nanos) + " by " + s.period_end + ".";
  if (s.state == "over")
    out += b.enforce ? " Over budget: new prompts are blocked." : " Over budget.";
  else if (s.state == "forecast_over")
    out += " At this rate it runs out before " + s.period_end + ".";
  else if (s.state == "warn")
    out += " Past the " + std::to_string(b.warn_percent) + "% warning.";
  if (s.override_until_ms)
    out += " Overridden until " + format_iso8601_utc_ms(*s.override_until_ms).substr(0, 16) + "Z.";
  else if (s.state != "ok")
    out += " For more, ask " + (b.created_by.empty() ? std::string("an admin") : b.created_by) +
           " (codepulse-collector budgets override --budget " + std::to_string(b.id) + ").";
  return out;
}

void write_budget_status(JsonWriter& w, const BudgetStatus& s) {
  const BudgetRow& b = s.budget;
  w.begin_object()
      .field("id", std::to_string(b.id))
      .field("scope", b.scope)
      .field("value", b.value)
      .field("period", b.period)
      .field("period_start", s.period_start)
      .field("period_end", s.period_end)
      .field("basis", b.basis)
      .key("limit_usd")
      .raw_number(format_usd(b.limit_nanos, 2))
      .key("spent_usd")
      .raw_number(format_usd(s.spent_nanos, 2))
      .key("forecast_usd")
      .raw_number(format_usd(s.forecast_nanos, 2))
      .key("percent")
      .raw_number(percent_text(s.percent))
      .field("state", s.state)
      .field("enforce", b.enforce)
      .key("override_until");
  if (s.override_until_ms)
    w.value(iso_seconds(*s.override_until_ms));
  else
    w.null();
  w.field("message", s.message).end_object();
}

std::vector<const BudgetStatus*> budgets_for_tracker(const std::vector<BudgetStatus>& all,
                                                     const std::set<std::string>& authors,
                                                     const std::set<std::string>& repos,
                                                     bool repos_spent) {
  std::vector<const BudgetStatus*> out;
  for (const BudgetStatus& s : all) {
    const BudgetRow& b = s.budget;
    bool applies = b.scope == "org" || (b.scope == "repo" && repos.count(b.value) > 0);
    if (b.scope == "person")
      for (const std::string& a : authors)
        applies |= iequals(a, b.value);
    if (b.scope == "team" || (b.scope == "repo" && repos_spent))
      for (const std::string& a : authors)
        applies |= s.tracker_authors.count(ascii_lower(a)) > 0;
    if (applies) out.push_back(&s);
  }
  return out;
}

}  // namespace codepulse::collector
