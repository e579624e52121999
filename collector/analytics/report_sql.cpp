#include "collector/analytics/report_sql.hpp"

#include <cstdio>
#include <random>

#include "collector/analytics/usage_export.hpp"

namespace codepulse::collector::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

// `column IN (...)` for a filter on a dimension kept verbatim in a column;
// `empty_as` is the name the cube gives the empty value ("(unknown)"...).
void push_filter(std::string& where, const report::ReportQuery& q, report::Dimension d,
                 std::string_view column, std::string_view empty_as = {}) {
  std::string values;
  for (const report::Filter& f : q.where) {
    if (f.dimension != d) continue;
    if (!values.empty()) values += ", ";
    values += sql_literal(f.value);
    if (!empty_as.empty() && f.value == empty_as) values += ", ''";
  }
  if (!values.empty()) where += " AND " + std::string(column) + " IN (" + values + ")";
}

}  // namespace

std::string column_filters(const report::ReportQuery& q) {
  using report::Dimension;
  std::string where = "1";
  push_filter(where, q, Dimension::kModel, "model");
  push_filter(where, q, Dimension::kRepo, "repo");
  push_filter(where, q, Dimension::kSession, "session");
  push_filter(where, q, Dimension::kBranch, "branch", report::kNoBranch);
  push_filter(where, q, Dimension::kAuthor, "author", report::kUnknownAuthor);
  push_filter(where, q, Dimension::kAssistant, "assistant", "claude-code");
  return where;
}

std::string fact_range(int64_t since_ms, int64_t until_ms) {
  std::string w = "1";
  if (since_ms > INT64_MIN)
    w += " AND day >= " + sql_date(since_ms) + " AND ts_ms >= " + std::to_string(since_ms);
  if (until_ms < INT64_MAX)
    w += " AND day <= " + sql_date(until_ms - 1) + " AND ts_ms < " + std::to_string(until_ms);
  return w;
}

std::pair<int64_t, int64_t> range_days(int64_t since_ms, int64_t until_ms) {
  return {since_ms > INT64_MIN ? floor_div(since_ms, kDayMs) * kDayMs : INT64_MIN,
          until_ms < INT64_MAX ? (floor_div(until_ms - 1, kDayMs) + 1) * kDayMs : INT64_MAX};
}

Result<std::string> query_rollups(ClickHouseClient& ch, int64_t since_ms, int64_t until_ms,
                                  const std::function<RollupQuery(const DayStates&)>& sql) {
  const auto [first_day, end_day] = range_days(since_ms, until_ms);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto days = day_states(ch, first_day, end_day);
    if (!days) return days.error();
    const RollupQuery query = sql(*days);
    Settings session;
    if (!query.dirty.statements.empty()) {
      // A session of this query's own: its temporary tables are no one
      // else's, and gone when it ends (a minute after its last statement,
      // or at once by the DROP below).
      std::random_device random;
      char id[40];
      std::snprintf(id, sizeof id, "codepulse-report-%08x%08x", random(), random());
      session = {{"session_id", id}, {"session_timeout", "60"}};
    }
    for (const std::string& statement : query.dirty.statements)
      if (auto done = ch.execute(statement, session); !done) return done.error();
    auto reply = ch.execute(query.query, session);
    while (reply && query.next) {
      auto more = query.next(*reply);
      if (!more) {
        reply = more.error();
        break;
      }
      if (!*more) break;
      reply = ch.execute(**more, session);
    }
    // The session's end drops its tables too, should this fail.
    if (!query.dirty.table.empty())
      (void)ch.execute("DROP TEMPORARY TABLE IF EXISTS " + query.dirty.table, session);
    if (!reply) return reply.error();
    auto same = epochs_unchanged(ch, *days, first_day, end_day);
    if (!same) return same.error();
    if (*same) return reply;
  }
  return make_error("ClickHouse at " + ch.target().display() +
                    ": the range's rollups were replaced during each of three tries");
}

}  // namespace codepulse::collector::analytics
