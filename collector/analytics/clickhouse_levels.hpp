// analytics: reports ClickHouse answers whole (docs/CLICKHOUSE.md,
// "Reports"): every node of the tree summed in one query over the range's
// rollups (one GROUP BY per depth of the levels), so what crosses the wire is the
// report's nodes, not the cube's groups.
//
// For reports of the dimensions kept verbatim in columns — model, repo,
// author, session, branch, assistant — and dates (days, ISO weeks and
// months of any time zone: the zone's offsets over the range become a
// multiIf of its transitions, as the cube's local days are its quarter
// hours' starts), tasks and epics (from the task split, whose rows are the
// turn groups' exact shares of each task; a group's records counted in a
// node at the first of its kept rows that reaches it, as the cube counts
// them), files as levels (from the file split, its rows the groups' exact
// shares of each task and file; a group counted at its first file's row
// unless a file level splits it; past three levels only with --top),
// filtered on those but files, with no seats, people, links, outcomes,
// privacy floor or narrowed scope: each node's sums, records, unpriced
// records, distinct sessions and active days are exactly the cube's (for
// files, the cube's of a turn's records up to a day from the group's, as
// reports from the store read them). --top and the node limit are applied
// to the finished tree as the cube's cut does; with --top over two levels
// or more the tree is asked level by level, each level's nodes only under
// the parents the cut keeps (one query per level, in one session over the
// same day states and dirty days' rows). Everything else is answered from
// groups (clickhouse_report.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/analytics/model_generations.hpp"
#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// Whether ClickHouse answers `q` whole (see above). `seats`: the
// organisation has seat charges to spread (effective cost needs groups).
bool levels_answer(const report::ReportQuery& q, bool seats);

struct LevelReport {
  // Unset when the range holds rows priced before the current prices (a
  // re-pricing under way): the caller answers from the store.
  std::optional<report::Report> report;
  int64_t rows = 0;          // nodes ClickHouse returned, the root's included
  std::string stale_reason;  // why `report` is unset
};

// The report `q` (levels_answer(q, false) must hold) from the rollups and
// dirty days' records; rows must carry `generations` (the exporter's).
// `epics`: each task's epic (the store's, as the cube is given).
Result<LevelReport> level_report(ClickHouseClient& ch, const report::ReportQuery& q,
                                 const ModelGenerations& generations, const report::EpicMap& epics);

}  // namespace codepulse::collector::analytics
