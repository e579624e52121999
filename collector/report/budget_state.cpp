// Budgets' spend, forecast and state from the report engine (budget_state.hpp).
#include "collector/report/budget_state.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>

#include "collector/report/store_report.hpp"
#include "collector/store/provider_rows.hpp"
#include "common/ascii.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kTrailingDays = 28;

int64_t day_number(const std::string& day) {
  return *day_start_ms(day) / kDayMs;
}

std::string day_text(int64_t n) {
  return format_date(civil_from_days(n));
}

bool weekend(int64_t n) {
  return (n + 3) % 7 >= 5;  // 1970-01-01 was a Thursday; 0 = Monday
}

std::optional<report::Dimension> dimension_of(const std::string& scope) {
  if (scope == "person") return report::Dimension::kAuthor;
  if (scope == "repo") return report::Dimension::kRepo;
  if (scope == "epic") return report::Dimension::kEpic;
  if (scope == "model") return report::Dimension::kModel;
  if (scope == "assistant") return report::Dimension::kAssistant;
  return std::nullopt;  // org (and team, refused before it is stored)
}

report::CostBasis basis_of(const std::string& basis) {
  return basis == "list"        ? report::CostBasis::kList
         : basis == "effective" ? report::CostBasis::kEffective
                                : report::CostBasis::kOrg;
}

// Cost per day number, by basis, of one value of a dimension.
using DayCosts = std::map<int64_t, std::array<int64_t, 3>>;
// Value -> its days ("" for the organisation).
using SpendTable = std::map<std::string, DayCosts>;

// One report of [first, last] (days) grouped by `dim` (none: the whole
// organisation) and day, as `report --group-by DIM,date` gives it.
Result<SpendTable> spend_by_day(Store& store, std::optional<report::Dimension> dim, int64_t first,
                                int64_t last) {
  report::ReportQuery q;
  q.group_by.clear();
  if (dim) q.group_by.push_back(*dim);
  q.group_by.push_back(report::Dimension::kDate);
  q.since_ms = first * kDayMs;
  q.until_ms = (last + 1) * kDayMs;
  auto r = build_report(store, q);
  if (!r) return r.error();
  SpendTable out;
  auto fold = [](DayCosts& into, const report::ReportNode& day_node) {
    auto& c = into[day_number(day_node.key)];
    for (auto b :
         {report::CostBasis::kOrg, report::CostBasis::kList, report::CostBasis::kEffective})
      c[static_cast<size_t>(b)] += day_node.metrics.cost(b);
  };
  if (!dim) {
    for (const report::ReportNode& d : r->root.children)
      if (valid_day(d.key)) fold(out[""], d);
    return out;
  }
  for (const report::ReportNode& v : r->root.children)
    for (const report::ReportNode& d : v.children)
      if (valid_day(d.key)) fold(out[v.key], d);
  return out;
}

int64_t sum_days(const DayCosts& days, report::CostBasis b, int64_t first, int64_t last,
                 int only_weekend) {
  int64_t total = 0;
  for (auto it = days.lower_bound(first); it != days.end() && it->first <= last; ++it)
    if (only_weekend < 0 || weekend(it->first) == (only_weekend == 1))
      total += it->second[static_cast<size_t>(b)];
  return total;
}

// The days of `table` for a budget's value (a person's in any case).
DayCosts days_of(const SpendTable& table, const BudgetRow& b) {
  DayCosts out;
  for (const auto& [key, days] : table) {
    if (b.scope == "org" ? !key.empty()
                         : (b.scope == "person" ? !iequals(key, b.value) : key != b.value))
      continue;
    for (const auto& [day, costs] : days)
      for (size_t i = 0; i < 3; ++i)
        out[day][i] += costs[i];
  }
  return out;
}

bool in_force(const BudgetRow& b, const std::string& today) {
  return b.start_day <= today && (b.end_day.empty() || today <= b.end_day);
}

BudgetStatus status_of(const BudgetRow& b, const DayCosts& days, int64_t now_ms,
                       const std::vector<BudgetOverride>& overrides) {
  const int64_t today = now_ms / kDayMs;
  BudgetStatus s;
  s.budget = b;
  const BudgetPeriod p = budget_period(b.period, day_text(today));
  s.period_start = p.start;
  s.period_end = p.end;
  const report::CostBasis basis = basis_of(b.basis);
  s.spent_nanos = sum_days(days, basis, day_number(p.start), day_number(p.end), -1);
  const DayWeights w = day_weights(sum_days(days, basis, today - kTrailingDays, today - 1, 0),
                                   sum_days(days, basis, today - kTrailingDays, today - 1, 1));
  s.forecast_nanos = budget_forecast(s.spent_nanos, p, now_ms, w);
  s.percent = std::round(10000.0 * static_cast<double>(s.spent_nanos) /
                         static_cast<double>(b.limit_nanos)) /
              100.0;
  s.state = budget_state_of(b, s.spent_nanos, s.forecast_nanos);
  for (const BudgetOverride& o : overrides)
    if (o.budget_id == b.id && o.until_ms > now_ms)
      s.override_until_ms = std::max(s.override_until_ms.value_or(0), o.until_ms);
  s.message = budget_message(s);
  return s;
}

// The `top` largest of `table`'s values by org cost over [first, last],
// the rest summed as "other".
std::vector<std::pair<std::string, int64_t>> top_spend(const SpendTable& table, int64_t first,
                                                       int64_t last, size_t top) {
  std::vector<std::pair<std::string, int64_t>> all;
  for (const auto& [key, days] : table)
    if (int64_t v = sum_days(days, report::CostBasis::kOrg, first, last, -1); v != 0)
      all.emplace_back(key, v);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (all.size() <= top) return all;
  int64_t rest = 0;
  for (size_t i = top; i < all.size(); ++i)
    rest += all[i].second;
  all.resize(top);
  all.emplace_back("other", rest);
  return all;
}

}  // namespace

BudgetPeriod budget_period(const std::string& period, const std::string& day) {
  const int64_t n = day_number(day);
  if (period == "week") {
    const int64_t monday = n - (n + 3) % 7;
    return {day_text(monday), day_text(monday + 6)};
  }
  CivilDate first = civil_from_days(n);
  first.day = 1;
  CivilDate next = first;
  next.month = first.month == 12 ? 1 : first.month + 1;
  next.year = first.month == 12 ? first.year + 1 : first.year;
  return {format_date(first), day_text(days_from_civil(next) - 1)};
}

DayWeights day_weights(int64_t trailing_weekday_nanos, int64_t trailing_weekend_nanos) {
  if (trailing_weekday_nanos <= 0 && trailing_weekend_nanos <= 0) return {};
  return {static_cast<double>(std::max<int64_t>(trailing_weekday_nanos, 0)) / 20.0,
          static_cast<double>(std::max<int64_t>(trailing_weekend_nanos, 0)) / 8.0};
}

int64_t budget_forecast(int64_t spent_nanos, const BudgetPeriod& p, int64_t now_ms,
                        const DayWeights& w) {
  const int64_t first = day_number(p.start), last = day_number(p.end);
  const int64_t today = now_ms / kDayMs;
  if (today < first || today > last) return spent_nanos;
  const double part = static_cast<double>(now_ms - today * kDayMs) / static_cast<double>(kDayMs);
  auto weigh = [&](const DayWeights& by, double& elapsed, double& left) {
    elapsed = left = 0;
    for (int64_t d = first; d <= last; ++d) {
      const double wd = weekend(d) ? by.weekend : by.weekday;
      if (d < today)
        elapsed += wd;
      else if (d > today)
        left += wd;
      else
        elapsed += part * wd, left += (1 - part) * wd;
    }
  };
  double elapsed = 0, left = 0;
  weigh(w, elapsed, left);
  if (elapsed <= 0) weigh(DayWeights{}, elapsed, left);
  if (elapsed <= 0) return spent_nanos;
  return spent_nanos +
         static_cast<int64_t>(std::llround(static_cast<double>(spent_nanos) / elapsed * left));
}

Result<std::vector<BudgetStatus>> budget_statuses(Store& store, int64_t now_ms) {
  auto budgets = store.load_budgets();
  if (!budgets) return budgets.error();
  auto overrides = store.load_budget_overrides();
  if (!overrides) return overrides.error();
  const int64_t today = now_ms / kDayMs;
  const std::string today_text = day_text(today);
  // One report per scope dimension, over the trailing days and every
  // budget's current period.
  int64_t first = today - kTrailingDays, last = today;
  std::map<std::string, SpendTable> by_scope;
  std::vector<const BudgetRow*> live;
  for (const BudgetRow& b : *budgets) {
    if (!in_force(b, today_text)) continue;
    live.push_back(&b);
    const BudgetPeriod p = budget_period(b.period, today_text);
    first = std::min(first, day_number(p.start));
    last = std::max(last, day_number(p.end));
  }
  std::vector<BudgetStatus> out;
  for (const BudgetRow* b : live) {
    if (!by_scope.count(b->scope)) {
      auto table = spend_by_day(store, dimension_of(b->scope), first, last);
      if (!table) return table.error();
      by_scope[b->scope] = std::move(table).value();
    }
    out.push_back(status_of(*b, days_of(by_scope[b->scope], *b), now_ms, *overrides));
  }
  return out;
}

Result<BudgetSnapshot> budget_snapshot(Store& store, int64_t now_ms, size_t top) {
  BudgetSnapshot snap;
  snap.computed_ms = now_ms;
  auto statuses = budget_statuses(store, now_ms);
  if (!statuses) return statuses.error();
  snap.statuses = std::move(statuses).value();
  const BudgetPeriod month = budget_period("month", day_text(now_ms / kDayMs));
  const int64_t first = day_number(month.start), last = day_number(month.end);
  for (auto [dim, into] : {std::pair{report::Dimension::kRepo, &snap.repo_spend},
                           std::pair{report::Dimension::kModel, &snap.model_spend}}) {
    auto table = spend_by_day(store, dim, first, last);
    if (!table) return table.error();
    *into = top_spend(*table, first, last, top);
  }
  return snap;
}

Result<bool> budget_value_seen(Store& store, const std::string& scope, const std::string& value) {
  const auto dim = dimension_of(scope);
  if (!dim) return true;
  report::ReportQuery q;
  q.group_by = {*dim};
  auto r = build_report(store, q);
  if (!r) return r.error();
  for (const report::ReportNode& n : r->root.children)
    if (scope == "person" ? iequals(n.key, value) : n.key == value) return true;
  return false;
}

}  // namespace codepulse::collector
