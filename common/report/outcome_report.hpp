// Reports with outcomes (docs/METRICS.md): the usage cube's report, with the
// spend split over linked commits when the commit or pr dimension is asked,
// and every node given the outcomes of its commits and pull requests.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "common/report/outcome_facts.hpp"
#include "common/report/report.hpp"
#include "common/report/session_links.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::report {

struct OutcomeData {
  CommitFacts commits;  // committer time in the range asked (and the link margin after it)
  std::vector<PullRequestFact> pull_requests;
};

// OutcomeReader (report.hpp) loads the outcomes of [since_ms, until_ms).

// The cube's report for `q`. Without outcomes asked (q.wants_outcomes()),
// exactly UsageCube::query. With them, `read_outcomes` is called once, for
// the outcomes of `range` (default: q's) and the link windows after it.
struct TimeRange {
  int64_t since_ms = INT64_MIN, until_ms = INT64_MAX;
};
Result<Report> query_cube(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics,
                          const OutcomeReader& read_outcomes,
                          std::optional<TimeRange> range = std::nullopt,
                          const LinkWindows& windows = {});

}  // namespace codepulse::report
