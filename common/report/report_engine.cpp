// build_report: a cube of the asked range, built from a store's records, then
// the same query the collector's live cube answers (usage_cube.hpp).
#include <algorithm>

#include "common/checked_sum.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"
#include "common/report/usage_source.hpp"

namespace codepulse::report {

Result<EpicMap> load_epics(sql::Database& db) {
  EpicMap epics;
  auto exists =
      db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'task_epics'");
  if (!exists) return exists.error();
  auto row = exists->step();
  if (!row) return row.error();
  if (!*row || exists->int64(0) == 0) return epics;
  auto st = db.prepare("SELECT task_key, epic_key FROM task_epics WHERE epic_key <> ''");
  if (!st) return st.error();
  while (true) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    epics.emplace(std::string(st->text(0)), std::string(st->text(1)));
  }
  return epics;
}

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

}  // namespace

Result<Report> build_report(const UsageReader& read, const ReportQuery& q,
                            const OutcomeReader& outcomes, std::shared_ptr<const Pricer> pricer,
                            const SeatContext* seats,
                            std::shared_ptr<const PeopleTimeline> people) {
  // Outcomes need every record's tools: edited files and commits link
  // sessions to commits, Skill and MCP calls weigh in the leverage score.
  const bool want_files = q.uses(Dimension::kFile) || q.wants_outcomes();
  const int64_t since = q.since_ms.value_or(INT64_MIN), until = q.until_ms.value_or(INT64_MAX);
  // A turn may cross the range's edges: its files are collected from its
  // records up to a day beyond them.
  constexpr int64_t kTurnMargin = 86'400'000;
  const int64_t margin_from =
      want_files && since > INT64_MIN + kTurnMargin ? since - kTurnMargin : since;
  const int64_t margin_to =
      want_files && until < INT64_MAX - kTurnMargin ? until + kTurnMargin : until;
  int64_t from = margin_from, to = margin_to;
  UsageCube cube(std::move(pricer));
  cube.set_people(std::move(people));
  // Seats are spread over whole UTC months: the list cost of their holders'
  // usage in the range's months but outside the range is read as well.
  const bool spread = seats && seats->charges && !seats->charges->empty();
  SeatContext context;
  constexpr int64_t kDayMs = 86'400'000;
  if (spread) {
    context.charges = seats->charges;
    if (since > INT64_MIN)
      from = std::min(from, month_first_day(month_index(floor_div(since, kDayMs))) * kDayMs);
    if (until < INT64_MAX)
      to = std::max(to, month_first_day(month_index(floor_div(until - 1, kDayMs)) + 1) * kDayMs);
  }
  EpicMap epics;
  auto scanned = read(from, to, want_files, epics, [&](const UsageFact& f) {
    if (f.ts_ms >= since && f.ts_ms < until) {
      cube.add(f);
      return true;
    }
    if (f.ts_ms >= margin_from && f.ts_ms < margin_to) cube.add_turn_files(f);
    if (spread && context.charges->holds_any(f.author)) {
      const PricedUsage priced = cube.pricer().price(f.to_price());
      std::string_view assistant = f.assistant;  // the cube's name for none
      if (assistant.empty()) assistant = "claude-code";
      if (priced.list_nanos) {
        const std::string key =
            seat_key(f.author, assistant, month_index(floor_div(f.ts_ms, kDayMs)));
        add_checked(context.outside_list_nanos[key], *priced.list_nanos);
        if (f.ts_ms < since) add_checked(context.outside_before_nanos[key], *priced.list_nanos);
      }
    }
    return true;
  });
  if (!scanned) return scanned.error();
  cube.compact();
  if (spread) cube.set_seats(std::move(context));
  // The cube holds exactly the range: its quarter hours need no cut.
  ReportQuery all = q;
  all.since_ms.reset();
  all.until_ms.reset();
  auto r = query_cube(cube, all, epics, outcomes, TimeRange{since, until});
  if (!r) return r.error();
  r->query = q;
  r->idle_seats = scoped_idle_seats(cube.idle_seats(since, until, q.where), q, cube.people());
  return r;
}

Result<Report> build_report(sql::Database& db, const ReportQuery& q,
                            std::shared_ptr<const Pricer> pricer, const SeatContext* seats,
                            std::shared_ptr<const PeopleTimeline> people) {
  return build_report(
      [&db](int64_t since, int64_t until, bool with_tools, EpicMap& epics,
            const std::function<bool(const UsageFact&)>& fn) -> Status {
        // One snapshot for the epics and the records, even while ingest goes on.
        if (auto s = db.exec("SAVEPOINT report"); !s) return s;
        struct Release {
          sql::Database& conn;
          ~Release() { (void)conn.exec("RELEASE report"); }
        } release{db};
        auto loaded = load_epics(db);
        if (!loaded) return loaded.error();
        epics = std::move(loaded).value();
        return scan_usage(db, since, until, with_tools, fn);
      },
      q, {}, std::move(pricer), seats, std::move(people));
}

}  // namespace codepulse::report
