// analytics: what the two ways ClickHouse answers reports share
// (clickhouse_report.hpp, clickhouse_levels.hpp): the report's filters as a
// condition on usage columns, and a query over the range's rollups asked
// again when a rollup it read was replaced while it ran.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// "1 AND model IN (...) AND ..." for q's filters on the dimensions kept
// verbatim in columns (model, repo, session, branch, author, assistant);
// an empty column stands for the name the cube gives it ("(unknown)", "(no
// branch)", "claude-code").
std::string column_filters(const report::ReportQuery& q);

// The usage_facts rows of [since, until): the day bounds let ClickHouse
// skip whole partitions and key ranges, the times cut the first and last day.
std::string fact_range(int64_t since_ms, int64_t until_ms);

// The UTC days a range [since, until) touches, as [first, end) in ms
// (INT64_MIN / INT64_MAX where unbounded).
std::pair<int64_t, int64_t> range_days(int64_t since_ms, int64_t until_ms);

// A query and the dirty days' table it reads (dirty_split: its statements
// run first, in the same session, and the table is dropped after); and
// `next`, when set, given each reply in turn: the query to run after it in
// the same session (over the same day states), or none to stop (a report
// asked level by level).
struct RollupQuery {
  RollupQuery(std::string sql) : query(std::move(sql)) {}  // NOLINT: a query alone
  RollupQuery(DirtySplit split, std::string sql) : dirty(std::move(split)), query(std::move(sql)) {}
  DirtySplit dirty;
  std::string query;
  std::function<Result<std::optional<std::string>>(const std::string& reply)> next;
};

// Runs the query `sql(days)` makes of the range's day states (its dirty
// days' statements first, in a session of its own; then its next queries), and returns its
// (last) reply once the rollups it read are still current afterwards
// (three tries, each from a new `sql(days)`).
Result<std::string> query_rollups(ClickHouseClient& ch, int64_t since_ms, int64_t until_ms,
                                  const std::function<RollupQuery(const DayStates&)>& sql);

}  // namespace codepulse::collector::analytics
