// GET /v1/waste and GET /v1/anomalies: the waste ledger and the anomalies
// `codepulse-collector waste` and `anomalies` print (JSON or CSV), for viewer
// and admin tokens, run on the report thread and answered like the finance
// views (finance_routes.hpp).
#pragma once

#include <variant>

#include "collector/serve/finance_routes.hpp"

namespace codepulse::collector {

// /v1/waste takes /v1/report's parameters and no_commit_days,
// error_loop_errors, idle_minutes; /v1/anomalies takes since, until, format
// and k, trailing_days, min_active_days, pricier_ratio, burst_per_minute.
// 401/403 as identify() answers, 400 for a bad parameter, else the job.
// `max_nodes` (report_max_nodes, 0 = none) caps each of the waste ledger's
// reports as it caps /v1/report: a larger one fails with report::kTooManyNodes
// (finance_reply answers 422).
std::variant<HttpReply, FinanceJob> start_insight(int handler, ViewerAccess& viewers, Store& store,
                                                  const RouteRequest& request,
                                                  size_t max_nodes = 0);

}  // namespace codepulse::collector
