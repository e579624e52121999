// The rows of a month's FOCUS dataset (focus_export.hpp): one report of the
// month through the report engine, nested by day, assistant, model,
// repository, branch, author, task and epic (its leaves are the usage rows,
// with the seats spread as effective cost), and the seats' charges of the
// month as purchases.
#include <algorithm>
#include <set>
#include <tuple>

#include "collector/report/focus_export.hpp"
#include "collector/report/focus_names.hpp"
#include "collector/report/reconcile.hpp"
#include "collector/report/store_report.hpp"
#include "common/report/attribution.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

using report::Dimension;

// The report's levels, in order; a usage row is a leaf's path.
constexpr Dimension kLevels[] = {Dimension::kDate, Dimension::kAssistant, Dimension::kModel,
                                 Dimension::kRepo, Dimension::kBranch,    Dimension::kAuthor,
                                 Dimension::kTask, Dimension::kEpic};
constexpr size_t kLevelCount = std::size(kLevels);
enum Level { kDay, kAssistant, kModel, kRepo, kBranch, kAuthor, kTask, kEpic };

struct Context {
  const Pricer& pricer;
  const report::SeatCharges& seats;
  int64_t month_index = 0;
  std::vector<FocusRow>* rows = nullptr;
};

// A key that names something (not a dimension's "none").
bool named(const std::string& key) {
  return !key.empty() && key != report::kNoBranch && key != report::kNoTask &&
         key != report::kNoEpic && key != report::kUnknownAuthor;
}

std::string plural(int64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

FocusRow usage_row(const Context& c, const std::string (&keys)[kLevelCount],
                   const report::Metrics& m) {
  FocusRow r;
  const std::string& assistant = keys[kAssistant];
  const std::string& author = keys[kAuthor];
  r.day = keys[kDay];
  r.until_day = next_day(r.day);
  // Usage a seat covers was paid for by the seat's purchase row: nothing of
  // it is billed, its effective cost is its share of the seat.
  const bool seat = c.seats.charge(author, assistant, c.month_index) >= 0;
  r.list_nanos = m.list_cost_nanos;
  r.contracted_nanos = m.cost_nanos;
  r.effective_nanos = m.effective_cost_nanos;
  r.billed_nanos = seat ? 0 : m.cost_nanos;
  r.quantity = m.total_tokens();
  r.pricing_category = seat ? "Other" : "Standard";
  const FocusParties parties = model_parties(c.pricer, keys[kModel], assistant);
  r.provider = parties.provider;
  r.publisher = parties.publisher;
  r.service = assistant_service(assistant);
  r.resource_id = assistant + "/" + author;
  r.resource_name = author;
  r.resource_type = "Assistant user";
  r.sku = keys[kModel];
  r.description = plural(r.quantity, "token") + " of " + keys[kModel] + " through " + r.service;
  if (seat) r.description += ", covered by a seat";
  if (m.unpriced_records > 0)
    r.description +=
        "; " + plural(m.unpriced_records, "record") + " without a price (cost unknown)";
  r.tags.emplace_back("assistant", assistant);
  for (const auto& [key, level] :
       {std::pair{"repo", kRepo}, std::pair{"branch", kBranch}, std::pair{"team", kAuthor},
        std::pair{"task", kTask}, std::pair{"epic", kEpic}})
    if (named(keys[level])) r.tags.emplace_back(key, keys[level]);
  r.records = m.records;
  r.unpriced_records = m.unpriced_records;
  r.input = m.input;
  r.cache_write = m.cache_create;
  r.cache_read = m.cache_read;
  r.output = m.output;
  return r;
}

void walk(const Context& c, const report::ReportNode& node, size_t depth,
          std::string (&keys)[kLevelCount]) {
  for (const report::ReportNode& child : node.children) {
    keys[depth] = child.key;
    if (depth + 1 == kLevelCount)
      c.rows->push_back(usage_row(c, keys, child.metrics));
    else
      walk(c, child, depth + 1, keys);
  }
}

FocusRow purchase_row(const report::SeatMonth& sm, bool idle) {
  const report::SeatTerm& s = *sm.seat;
  FocusRow r;
  r.purchase = true;
  // The days of the month the seat is held.
  const int64_t first = report::month_first_day(sm.month);
  const int64_t from = std::max(first, s.start_day);
  const int64_t to = std::min(first + sm.days_in_month - 1, s.end_day);
  r.day = format_date(civil_from_days(from));
  r.until_day = format_date(civil_from_days(to + 1));
  r.billed_nanos = r.contracted_nanos = r.list_nanos = sm.charge_nanos;
  // The seat's charge is in its holder's usage rows' effective cost (FOCUS:
  // 0 for a purchase that covers other charges), unless nothing took it.
  r.effective_nanos = idle ? sm.charge_nanos : 0;
  r.quantity = sm.days_held;
  r.pricing_category = "Standard";
  r.provider = r.publisher = assistant_vendor(s.assistant);
  r.service = assistant_service(s.assistant);
  r.resource_id = "seat/" + std::to_string(s.id);
  r.resource_name = s.plan + " of " + s.assignee;
  r.resource_type = "Seat";
  r.sku = s.assistant + "/" + s.plan;
  r.description = s.plan + " seat of " + s.assignee + " for " + r.service + ", " +
                  std::to_string(sm.days_held) + " of " + std::to_string(sm.days_in_month) +
                  " days";
  r.description += idle ? "; idle: no usage to spread over" : "; spread over the holder's usage";
  r.tags = {{"assistant", s.assistant},
            {"team", s.assignee},
            {"seat", std::to_string(s.id)},
            {"plan", s.plan}};
  r.idle_seat = idle;
  return r;
}

}  // namespace

Result<FocusExport> focus_month(Store& store, const std::string& month, size_t max_nodes) {
  auto span = month_query(month, report::CostBasis::kEffective);
  if (!span) return span.error();
  FocusExport out{month, span->since_day, span->until_day, {}};
  auto pricer = store_pricer(store);
  if (!pricer) return pricer.error();
  auto seats = store_seats(store);
  if (!seats) return seats.error();

  report::ReportQuery q = span->query;
  q.group_by.assign(std::begin(kLevels), std::end(kLevels));
  q.max_nodes = max_nodes;
  auto r = build_report(store, q, *pricer);
  if (!r) return r.error();

  const int64_t m = report::month_index(*q.since_ms / 86'400'000);
  const Context c{**pricer, *seats->charges, m, &out.rows};
  std::string keys[kLevelCount];
  walk(c, r->root, 0, keys);
  std::sort(out.rows.begin(), out.rows.end(), [](const FocusRow& a, const FocusRow& b) {
    return std::tie(a.day, a.tags, a.sku) < std::tie(b.day, b.tags, b.sku);
  });
  std::set<int64_t> idle;
  for (const report::IdleSeat& s : r->idle_seats)
    if (s.month == month) idle.insert(s.seat_id);
  for (const report::SeatMonth& sm : seats->charges->months(m, m))
    out.rows.push_back(purchase_row(sm, idle.count(sm.seat->id) > 0));
  return out;
}

}  // namespace codepulse::collector
