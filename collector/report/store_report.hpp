// The collector's reports: the report engine (common/report) over what a
// store holds.
#pragma once

#include "collector/store/store.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

// A report of the records `store` holds (report::build_report over its
// read_usage: one snapshot, the asked range only), with the store's commits
// and pull requests when the query asks for outcomes.
Result<report::Report> build_report(Store& store, const report::ReportQuery& query);
// The outcomes (commits, pull requests) of a range, from `store`.
report::OutcomeReader outcome_reader(Store& store);

}  // namespace codepulse::collector
