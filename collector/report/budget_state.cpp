// Budgets' spend, forecast and state from the report engine (budget_state.hpp).
#include "collector/report/budget_state.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "collector/report/store_report.hpp"
#include "collector/report/team_scope.hpp"
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
  if (scope == "team") return report::Dimension::kTeam;
  return std::nullopt;  // org
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

// The days of `table` for a budget's value (a person's in any case; a
// team's: the days of every node of `subtree`, lower-cased).
DayCosts days_of(const SpendTable& table, const BudgetRow& b,
                 const std::set<std::string>& subtree) {
  DayCosts out;
  for (const auto& [key, days] : table) {
    const bool mine = b.scope == "org"      ? key.empty()
                      : b.scope == "person" ? iequals(key, b.value)
                      : b.scope == "team"   ? subtree.count(ascii_lower(key)) > 0
                                            : key == b.value;
    if (!mine) continue;
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

Result<std::vector<BudgetStatus>> budget_statuses(Store& store, int64_t now_ms,
                                                  size_t* reports_run) {
  auto budgets = store.load_budgets();
  if (!budgets) return budgets.error();
  const int64_t today = now_ms / kDayMs;
  const std::string today_text = day_text(today);
  std::vector<const BudgetRow*> live;
  for (const BudgetRow& b : *budgets)
    if (in_force(b, today_text)) live.push_back(&b);
  std::vector<BudgetStatus> out;
  if (live.empty()) return out;  // nothing to work out: no report runs
  auto overrides = store.load_budget_overrides();
  if (!overrides) return overrides.error();
  // One report per scope dimension, over the trailing days and every
  // budget's current period.
  int64_t first = today - kTrailingDays, last = today;
  bool teams = false, repos = false;
  for (const BudgetRow* b : live) {
    const BudgetPeriod p = budget_period(b->period, today_text);
    first = std::min(first, day_number(p.start));
    last = std::max(last, day_number(p.end));
    teams |= b->scope == "team";
    repos |= b->scope == "repo";
  }
  PeopleRows people;
  if (teams) {
    auto loaded = store.load_people();
    if (!loaded) return loaded.error();
    people = std::move(loaded).value();
  }
  auto run = [&](std::optional<report::Dimension> dim) {
    if (reports_run) ++*reports_run;
    return spend_by_day(store, dim, first, last);
  };
  // Repository budgets apply to the trackers of the authors who spent in
  // the repository this period: (repo, author) -> days.
  std::map<std::string, std::map<std::string, std::set<int64_t>>> repo_authors;
  if (repos) {
    report::ReportQuery q;
    q.group_by = {report::Dimension::kRepo, report::Dimension::kAuthor, report::Dimension::kDate};
    q.since_ms = first * kDayMs;
    q.until_ms = (last + 1) * kDayMs;
    if (reports_run) ++*reports_run;
    auto r = build_report(store, q);
    if (!r) return r.error();
    for (const report::ReportNode& repo : r->root.children)
      for (const report::ReportNode& author : repo.children)
        for (const report::ReportNode& d : author.children)
          if (valid_day(d.key))
            repo_authors[repo.key][ascii_lower(author.key)].insert(day_number(d.key));
  }
  std::map<std::string, SpendTable> by_scope;
  for (const BudgetRow* b : live) {
    if (!by_scope.count(b->scope)) {
      auto table = run(dimension_of(b->scope));
      if (!table) return table.error();
      by_scope[b->scope] = std::move(table).value();
    }
    const std::set<std::string> subtree =
        b->scope == "team" ? team_subtree(people, b->value) : std::set<std::string>{};
    BudgetStatus s = status_of(*b, days_of(by_scope[b->scope], *b, subtree), now_ms, *overrides);
    if (b->scope == "team") s.tracker_authors = team_authors_on(people, subtree, today_text);
    if (b->scope == "repo")
      for (const auto& [author, days] : repo_authors[b->value])
        if (days.lower_bound(day_number(s.period_start)) != days.end())
          s.tracker_authors.insert(author);
    out.push_back(std::move(s));
  }
  return out;
}

Result<BudgetSnapshot> budget_snapshot(Store& store, int64_t now_ms, size_t top) {
  BudgetSnapshot snap;
  snap.computed_ms = now_ms;
  auto statuses = budget_statuses(store, now_ms, &snap.reports_run);
  if (!statuses) return statuses.error();
  snap.statuses = std::move(statuses).value();
  // Without a budget in force there is nothing to show: the month's spend
  // by repository and model is worked out with the budgets only.
  if (snap.statuses.empty()) return snap;
  const BudgetPeriod month = budget_period("month", day_text(now_ms / kDayMs));
  const int64_t first = day_number(month.start), last = day_number(month.end);
  for (auto [dim, into] : {std::pair{report::Dimension::kRepo, &snap.repo_spend},
                           std::pair{report::Dimension::kModel, &snap.model_spend}}) {
    ++snap.reports_run;
    auto table = spend_by_day(store, dim, first, last);
    if (!table) return table.error();
    *into = top_spend(*table, first, last, top);
  }
  return snap;
}

Result<bool> budget_value_seen(Store& store, const std::string& scope, const std::string& value) {
  if (scope == "team") {
    auto people = store.load_people();
    if (!people) return people.error();
    return !team_subtree(*people, value).empty();
  }
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
