// analytics: reports answered from ClickHouse's usage_facts
// (docs/CLICKHOUSE.md, "Reports"). ClickHouse sums the range's records into
// the report cube's groups (one per quarter hour and set of keys; the turn
// is kept only where a split needs it), and the collector runs the same
// query code the live cube runs (common/report/usage_cube.hpp) over a cube
// of those groups, made for the report and dropped after it. So every
// nesting, filter, time zone, top-N and metric answers as the cube does.
//
// Reports with outcomes get each session's edits and reported commits from
// its records too (session_facts.hpp), and the commits and pull requests
// from `outcomes` (the store's).
//
// Not from groups: reports that split by file (they need every record's
// tool calls), and ranges off the quarter hour; and a range whose rows are
// not all priced with the exporter's current prices (a re-pricing under
// way). The caller answers those from the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/analytics/model_generations.hpp"
#include "common/pricing/pricer.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/report.hpp"
#include "common/report/seat_charges.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// Whether groups can answer `q` (see above).
bool groups_answer(const report::ReportQuery& q);

struct GroupedReport {
  // Set when ClickHouse answered; unset when the range holds rows priced
  // before the current prices (the caller answers from the store).
  std::optional<report::Report> report;
  int64_t groups = 0;        // groups ClickHouse returned
  std::string stale_reason;  // why `report` is unset
};

// The report `q` from usage_facts, priced with `pricer` (whose rows in
// ClickHouse carry `generations`: UsageExporter::generations()). `seats`
// and `people` as for report::build_report.
Result<GroupedReport> grouped_report(ClickHouseClient& ch, const report::ReportQuery& q,
                                     const report::EpicMap& epics,
                                     std::shared_ptr<const Pricer> pricer,
                                     const ModelGenerations& generations,
                                     const report::SeatContext* seats = nullptr,
                                     std::shared_ptr<const report::PeopleTimeline> people = nullptr,
                                     const report::OutcomeReader& outcomes = {});

}  // namespace codepulse::collector::analytics
