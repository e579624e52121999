// The server's health in its own terms: GET /v1/health (for viewers: trackers
// by device, refused batches, queues), GET /healthz (liveness) and GET
// /metrics (Prometheus text, with the report cube's gauges).
#pragma once

#include <string>

#include "collector/ingest/budget_board.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/ingest/metrics.hpp"
#include "collector/serve/report_runner.hpp"
#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

HttpReply health(ViewerAccess& viewers, Store& store, const Metrics& metrics,
                 const IngestQueue& queue, const RouteRequest& request);
// {"status":"ok","version","records"}, or 503 when the store cannot be read.
HttpReply healthz(Store& store);
// With the budgets' series of `budgets`' last snapshot (budget_metrics.hpp).
std::string metrics_text(Store& store, const Metrics& metrics, const IngestQueue& queue,
                         const ReportRunner& reports, const BudgetBoard& budgets);

}  // namespace codepulse::collector
