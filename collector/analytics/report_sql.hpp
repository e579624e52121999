// analytics: what the two ways ClickHouse answers reports share
// (clickhouse_report.hpp, clickhouse_levels.hpp): the report's filters as a
// condition on usage columns, and a query over the range's rollups asked
// again when a rollup it read was replaced while it ran.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

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

// The UTC days a range [since, until) touches, as [first, end) in ms
// (INT64_MIN / INT64_MAX where unbounded).
std::pair<int64_t, int64_t> range_days(int64_t since_ms, int64_t until_ms);

// Runs the statement `sql(days)` makes of the range's day states, and
// returns its reply once the rollups it read are still current afterwards
// (three tries).
Result<std::string> query_rollups(ClickHouseClient& ch, int64_t since_ms, int64_t until_ms,
                                  const std::function<std::string(const DayStates&)>& sql);

}  // namespace codepulse::collector::analytics
