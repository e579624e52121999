// The finance views over HTTP: GET /v1/reconcile and GET /v1/statement, the
// documents `codepulse-collector reconcile` and `statement` print (JSON or
// CSV, the same renderers), for viewer and admin tokens, run on the report
// thread like every report.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "collector/serve/report_runner.hpp"
#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// A checked request: the job for the report thread and how to answer with it.
struct FinanceJob {
  std::shared_ptr<ReportJob> job;  // job->run makes the document
  std::string format;              // "json" or "csv"
  std::string filename;            // a CSV's download name: codepulse-<view>-<month>.csv
  std::string what;                // "reconciliation" or "statement", for errors
};

// GET /v1/reconcile?month=YYYY-MM[&format=json|csv] (handler kReconcile) or
// /v1/statement?... (kStatement): 401/403 as identify() answers, 400 for a
// bad month, format or parameter, else the job (reading `store`).
std::variant<HttpReply, FinanceJob> start_finance(int handler, ViewerAccess& viewers, Store& store,
                                                  const RouteRequest& request);
// The job's document (JSON, or CSV with Content-Disposition: attachment), or
// why there is none: 503 busy or store down, 500 another failure.
RouteReply finance_reply(FinanceJob& finance);

}  // namespace codepulse::collector
