// What viewers read, in the server's terms: GET /v1/report (run on the report
// thread: start_report, then report_reply), GET /v1/whoami, /v1/session (log
// in, who, log out) and the dashboard's files.
#pragma once

#include <memory>
#include <variant>

#include "collector/serve/report_runner.hpp"
#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"

namespace codepulse::collector {

class BudgetBoard;

// GET /v1/report?group_by=...&metric=...: the report engine's tree, for viewer
// and admin tokens, with the same parameters and errors as the CLI. A reply
// (401, 403, 400), or the job to run on the ReportRunner.
std::variant<HttpReply, std::shared_ptr<ReportJob>> start_report(ViewerAccess& viewers,
                                                                 const RouteRequest& request);
// The job's answer (moved out of it), or why there is none (503 busy or
// store down, 422 too big).
RouteReply report_reply(ReportJob& job);

// Who a token belongs to: `codepulse-tracker doctor` checks its token here.
HttpReply whoami(ViewerAccess& viewers, const RouteRequest& request);
// GET /v1/generation: the store generation the server serves with, to any
// token, and "budgets": the budgets that apply to the token's author
// (write_author_budgets), as a batch acknowledgement carries them.
HttpReply generation(ViewerAccess& viewers, const StoreGeneration& generation,
                     const BudgetBoard& budgets, const RouteRequest& request);
// POST logs in, GET says who is logged in, DELETE logs out; other methods 405.
RouteReply session(ViewerAccess& viewers, const RouteRequest& request);
// GET / and GET /assets/NAME.
RouteReply dashboard(const RouteRequest& request);

}  // namespace codepulse::collector
