#include "collector/analytics/clickhouse_report.hpp"

#include <algorithm>
#include <charconv>

#include "collector/analytics/report_sql.hpp"
#include "collector/analytics/session_facts.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "common/checked_sum.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/usage_cube.hpp"
#include "common/time.hpp"

namespace codepulse::collector::analytics {
namespace {

using report::Dimension;

constexpr int64_t kDayMs = 86'400'000;

// How many of a group's records are priced before the current prices, as a
// column.
std::string stale_facts(const ModelGenerations& generations) {
  return "sum(" + generations.stale_fact_sql() + ")";
}

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

// What the groups' query returns, in order.
enum GroupColumn {
  kBucket,
  kAuthor,
  kSession,
  kModel,
  kRepo,
  kBranch,
  kTaskKeys,
  kAssistant,
  kPriced,
  kTurnId,
  kRecordId,
  kInput,
  kOutput,
  kCacheCreate,
  kCacheRead,
  kCost,
  kListCost,
  kRecords,
  kSkills,
  kMcp,
  kFirst,
  kLast,
  kStale,
  kGroupColumns,
};

// The report's groups by turn, from every record of the range under FINAL.
Result<std::string> turn_groups(ClickHouseClient& ch, int64_t since, int64_t until,
                                const std::string& filters, const ModelGenerations& generations) {
  const std::string turn_key = "turn_id, if(turn_id = '', record_id, 0)";
  return ch.execute(
      "SELECT intDiv(ts_ms, 900000) AS b, author, session, model, repo, branch, task_keys, "
      "assistant, priced, " +
      turn_key +
      ", sum(input), sum(output), sum(cache_create), sum(cache_read), sum(cost_nanos), "
      "sum(list_cost_nanos), count(), sum(skills), sum(mcp), min(ts_ms), max(ts_ms), " +
      stale_facts(generations) + " FROM usage_facts FINAL WHERE " + fact_range(since, until) +
      " AND " + filters + " GROUP BY b, author, session, model, repo, branch, task_keys, " +
      "assistant, priced, " + turn_key + " FORMAT TabSeparated");
}

// The report's groups without turns: clean days from their rollups, dirty
// days from their records.
Result<std::string> rollup_groups(ClickHouseClient& ch, int64_t since, int64_t until,
                                  const std::string& filters, const ModelGenerations& generations) {
  return query_rollups(ch, since, until, [&](const DayStates& days) {
    return "SELECT b, author, session, model, repo, branch, task_keys, assistant, priced, '', "
           "toInt64(0), sum(input), sum(output), sum(cache_create), sum(cache_read), "
           "sum(cost_nanos), sum(list_cost_nanos), sum(records), sum(skills), sum(mcp), "
           "min(first_ms), max(last_ms), sum(if(" +
           generations.stale_sql("model", "gen_min", "gen_max") + ", records, 0)) FROM " +
           group_rows(days, since, until, filters) +
           " GROUP BY b, author, session, model, repo, branch, task_keys, assistant, priced "
           "FORMAT TabSeparated";
  });
}

}  // namespace

bool groups_answer(const report::ReportQuery& q) {
  return report::UsageCube::answers(q) && !q.uses(Dimension::kFile);
}

Result<GroupedReport> grouped_report(ClickHouseClient& ch, const report::ReportQuery& q,
                                     const report::EpicMap& epics,
                                     std::shared_ptr<const Pricer> pricer,
                                     const ModelGenerations& generations,
                                     const report::SeatContext* seats,
                                     std::shared_ptr<const report::PeopleTimeline> people,
                                     const report::OutcomeReader& outcomes) {
  if (!groups_answer(q))
    return make_error(
        "ClickHouse's groups cannot answer this report (files or a range off the quarter "
        "hour)");
  const int64_t since = q.since_ms.value_or(INT64_MIN), until = q.until_ms.value_or(INT64_MAX);
  const bool spread = seats && seats->charges && !seats->charges->empty();
  // Splits apportion each group on its own (tasks, and seats spread over
  // groups by list cost): those need the cube's groups exactly, one per turn.
  // So do commits and pull requests (a session's groups split over its
  // commits).
  const bool by_turn = spread || q.uses(Dimension::kTask) || q.uses(Dimension::kEpic) ||
                       q.uses(Dimension::kCommit) || q.uses(Dimension::kPr);
  // Filters cut what ClickHouse sends; seats spread over all of a holder's
  // usage, so with seats every group of the range is needed.
  const std::string filters = spread ? "1" : column_filters(q);
  auto reply = by_turn ? turn_groups(ch, since, until, filters, generations)
                       : rollup_groups(ch, since, until, filters, generations);
  if (!reply) return reply.error();

  GroupedReport out;
  report::UsageCube cube(pricer);
  cube.set_people(std::move(people));
  std::vector<std::string> f;
  report::GroupFact g;
  std::optional<Error> bad;
  int64_t stale_total = 0;  // records priced before the current prices
  each_line(*reply, [&](std::string_view line) {
    int64_t bucket = 0;
    int priced = 0;
    int64_t stale = 0;
    if (!split_tsv_line(line, kGroupColumns, f) || !parse_int(f[kBucket], bucket) ||
        !parse_int(f[kPriced], priced) || !parse_int(f[kRecordId], g.record_id) ||
        !parse_int(f[kInput], g.input) || !parse_int(f[kOutput], g.output) ||
        !parse_int(f[kCacheCreate], g.cache_create) || !parse_int(f[kCacheRead], g.cache_read) ||
        !parse_int(f[kCost], g.cost_nanos) || !parse_int(f[kListCost], g.list_cost_nanos) ||
        !parse_int(f[kRecords], g.records) || !parse_int(f[kSkills], g.skills) ||
        !parse_int(f[kMcp], g.mcp) || !parse_int(f[kFirst], g.first_ms) ||
        !parse_int(f[kLast], g.last_ms) || !parse_int(f[kStale], stale)) {
      bad = unreadable_row(ch, "the report's groups", line);
      return false;
    }
    // Summed over every group (the range's count); none added once one is
    // stale.
    stale_total += stale;
    if (stale_total > 0) return true;
    g.bucket_ms = bucket * report::kBucketMs;
    g.author = std::move(f[kAuthor]);
    g.session = std::move(f[kSession]);
    g.model = std::move(f[kModel]);
    g.repo = std::move(f[kRepo]);
    g.branch = std::move(f[kBranch]);
    g.task_keys = std::move(f[kTaskKeys]);
    g.assistant = std::move(f[kAssistant]);
    g.turn_id = std::move(f[kTurnId]);
    g.priced = priced != 0;
    cube.add_group(g);
    ++out.groups;
    return true;
  });
  if (bad) return *bad;
  if (stale_total > 0) {
    out.stale_reason = generations.stale_reason(stale_total);
    return out;
  }
  reply->clear();
  reply->shrink_to_fit();
  // Outcomes link sessions to commits by what all of each session's records
  // did (its edits, files, reported commits), whatever the filters keep.
  if (q.wants_outcomes()) {
    const report::LinkWindows windows;  // query_cube's below
    auto sessions =
        session_facts(ch, since, until, std::max(windows.strong_ms, windows.weak_ms), generations);
    if (!sessions) return sessions.error();
    if (sessions->stale > 0) {
      out.stale_reason = generations.stale_reason(sessions->stale);
      return out;
    }
    for (const report::SessionFact& s : sessions->sessions)
      cube.set_session(s);
  }

  // Seats are spread over whole UTC months: their holders' list cost in the
  // range's months but outside the range counts too (as build_report reads it).
  report::SeatContext context;
  if (spread) {
    context.charges = seats->charges;
    int64_t from = since, to = until;
    if (since > INT64_MIN)
      from = report::month_first_day(report::month_index(floor_div(since, kDayMs))) * kDayMs;
    if (until < INT64_MAX)
      to = report::month_first_day(report::month_index(floor_div(until - 1, kDayMs)) + 1) * kDayMs;
    std::string outside;
    if (from < since) outside = "(" + fact_range(from, since) + ")";
    if (to > until) outside += (outside.empty() ? "(" : " OR (") + fact_range(until, to) + ")";
    if (!outside.empty()) {
      auto rows = ch.execute(
          "SELECT author, assistant, toString(toStartOfMonth(day)), sum(list_cost_nanos), " +
          stale_facts(generations) + ", ts_ms < " + std::to_string(since == INT64_MIN ? 0 : since) +
          " AS before FROM usage_facts FINAL WHERE priced = 1 AND (" + outside +
          ") GROUP BY author, assistant, toStartOfMonth(day), before FORMAT TabSeparated");
      if (!rows) return rows.error();
      each_line(*rows, [&](std::string_view line) {
        int64_t list = 0;
        int64_t stale = 0;
        int before = 0;
        std::optional<int64_t> month_day;
        if (split_tsv_line(line, 6, f)) month_day = parse_date_bound_ms(f[2], 0);
        if (!month_day || !parse_int(f[3], list) || !parse_int(f[4], stale) ||
            !parse_int(f[5], before)) {
          bad = unreadable_row(ch, "the seat holders' months", line);
          return false;
        }
        if (stale > 0) {
          out.stale_reason = generations.stale_reason(stale) + " (in the seats' months)";
          return false;
        }
        if (!context.charges->holds_any(f[0])) return true;
        const std::string_view assistant = f[1].empty() ? std::string_view("claude-code") : f[1];
        const std::string key =
            report::seat_key(f[0], assistant, report::month_index(floor_div(*month_day, kDayMs)));
        add_checked(context.outside_list_nanos[key], list);
        if (before) add_checked(context.outside_before_nanos[key], list);
        return true;
      });
      if (bad) return *bad;
      if (!out.stale_reason.empty()) return out;
    }
  }
  cube.compact();
  if (spread) cube.set_seats(std::move(context));
  // The cube holds exactly the range: its quarter hours need no cut.
  report::ReportQuery all = q;
  all.since_ms.reset();
  all.until_ms.reset();
  auto r = report::query_cube(cube, all, epics, outcomes, report::TimeRange{since, until});
  if (!r) return r.error();
  r->query = q;
  r->idle_seats =
      report::scoped_idle_seats(cube.idle_seats(since, until, q.where), q, cube.people());
  out.report = std::move(*r);
  return out;
}

}  // namespace codepulse::collector::analytics
