// The monthly statement's numbers (statement.hpp): three reports of the
// month through the report engine (by author, repository and model, seats
// spread), the month's seat charges, and the reconciliation summed by
// provider.
#include "collector/report/statement.hpp"

#include <algorithm>
#include <map>

#include "collector/report/store_report.hpp"
#include "common/checked_sum.hpp"

namespace codepulse::collector {
namespace {

StatementLine line_of(const std::string& key, const report::Metrics& m) {
  StatementLine l;
  l.key = key;
  l.records = m.records;
  l.unpriced_records = m.unpriced_records;
  l.list_nanos = m.known_cost(report::CostBasis::kList);
  l.org_nanos = m.known_cost(report::CostBasis::kOrg);
  l.effective_nanos = m.known_cost(report::CostBasis::kEffective);
  return l;
}

}  // namespace

Result<Statement> statement_month(Store& store, const std::string& month) {
  auto span = month_query(month, report::CostBasis::kEffective);
  if (!span) return span.error();
  Statement out;
  out.month = month;
  out.since_day = span->since_day;
  out.until_day = span->until_day;
  auto pricer = store_pricer(store);
  if (!pricer) return pricer.error();
  out.pricing = (*pricer)->book().revision();
  auto seats = store_seats(store);
  if (!seats) return seats.error();

  report::ReportQuery q = span->query;
  using report::Dimension;
  const std::pair<Dimension, std::vector<StatementLine>*> parts[] = {
      {Dimension::kAuthor, &out.by_author},
      {Dimension::kRepo, &out.by_repo},
      {Dimension::kModel, &out.by_model}};
  for (const auto& [dimension, lines] : parts) {
    q.group_by = {dimension};
    auto r = build_report(store, q, *pricer);
    if (!r) return r.error();
    for (const report::ReportNode& n : r->root.children)
      lines->push_back(line_of(n.key, n.metrics));
    std::stable_sort(lines->begin(), lines->end(),
                     [](const StatementLine& a, const StatementLine& b) {
                       const int64_t x = a.effective_nanos.value_or(-1);
                       const int64_t y = b.effective_nanos.value_or(-1);
                       return x != y ? x > y : a.key < b.key;
                     });
    if (dimension == Dimension::kAuthor) {
      out.total = line_of("total", r->root.metrics);
      out.unpriced = r->unpriced;
      out.idle_seats = r->idle_seats;
    }
  }
  bool fits = true;
  const int64_t first_day = *q.since_ms / 86'400'000;
  const int64_t m = report::month_index(first_day);
  for (const report::SeatMonth& sm : seats->charges->months(m, m))
    fits &= add_checked(out.seat_nanos, sm.charge_nanos);
  for (const report::IdleSeat& s : out.idle_seats)
    fits &= add_checked(out.idle_nanos, s.charge_nanos);

  auto rec = reconcile_month(store, month, *pricer);
  if (!rec) return rec.error();
  std::map<std::string, StatementProvider> providers;
  std::map<std::string, std::vector<std::string>> days;
  for (const ReconcileRow& row : rec->rows) {
    if (row.provider != "anthropic" && row.provider != "openai") continue;
    StatementProvider& p = providers[row.provider];
    p.provider = row.provider;
    if (row.codepulse_cost_nanos) fits &= add_checked(p.codepulse_nanos, *row.codepulse_cost_nanos);
    if (row.provider_cost_nanos) {
      if (!p.provider_nanos) p.provider_nanos = 0;
      fits &= add_checked(*p.provider_nanos, *row.provider_cost_nanos);
      auto& d = days[row.provider];
      if (std::find(d.begin(), d.end(), row.day) == d.end()) d.push_back(row.day);
    }
  }
  for (auto& [name, p] : providers) {
    p.days_imported = static_cast<int64_t>(days[name].size());
    if (p.provider_nanos) {
      int64_t diff = *p.provider_nanos;
      fits &= !__builtin_sub_overflow(diff, p.codepulse_nanos, &diff);
      p.diff_nanos = diff;
    }
    out.providers.push_back(p);
  }
  if (!fits) return make_error("the month's totals do not fit 64 bits");
  return out;
}

}  // namespace codepulse::collector
