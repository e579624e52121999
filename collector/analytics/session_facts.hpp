// analytics: the sessions of a report's range as their records tell them,
// for reports with outcomes (docs/CLICKHOUSE.md, "Outcomes"). A cube of
// groups has no tool calls; linking sessions to commits needs each
// session's edits, the files it changed and the commits it reported. One
// query over usage_facts under FINAL sums them by session.
#pragma once

#include <cstdint>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/analytics/model_generations.hpp"
#include "common/report/usage_cube.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

struct SessionFacts {
  std::vector<report::SessionFact> sessions;
  // Rows of the range priced before the current prices or sent before
  // their files were (schema 5): the range is answered from the store.
  int64_t stale = 0;
};

// The sessions a report of [since_ms, until_ms) links to commits, as the
// live cube holds them (UsageCube::session_activity): every session with
// records from `margin_ms` (the longest link window) before the range to
// `margin_ms` after it, whatever a report's filters (a filtered-out session
// still links), each summed over all of its records, whenever they were.
// Sessions that reported a commit count a day further out too; the live
// cube would link one further still (docs/CLICKHOUSE.md, "Outcomes").
Result<SessionFacts> session_facts(ClickHouseClient& ch, int64_t since_ms, int64_t until_ms,
                                   int64_t margin_ms, const ModelGenerations& generations);

}  // namespace codepulse::collector::analytics
