// The finance views over HTTP (finance_routes.hpp).
#include "collector/serve/finance_routes.hpp"

#include "collector/report/hotspots.hpp"
#include "collector/report/reconcile.hpp"
#include "collector/report/statement.hpp"
#include "collector/serve/routes.hpp"
#include "common/report/privacy_floor.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {
namespace {

HttpReply bad_request(const std::string& message) {
  return {400, error_json(400, message)};
}

}  // namespace

std::variant<HttpReply, FinanceJob> start_finance(int handler, ViewerAccess& viewers, Store& store,
                                                  const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), true);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  auto pairs = query_params(request);
  if (!pairs) return bad_request(pairs.error().message);
  std::optional<std::string> month;
  std::string format = "json";
  for (const auto& [name, value] : *pairs) {
    if (name == "month")
      month = value;
    else if (name == "format")
      format = value;
    else
      return bad_request("unknown parameter '" + name + "'; use month=YYYY-MM and format=json|csv");
  }
  if (!month) return bad_request("month: required, e.g. month=2026-11");
  if (!month_days(*month))
    return bad_request("month '" + *month + "': expected YYYY-MM, e.g. 2026-11");
  if (format != "json" && format != "csv")
    return bad_request("format '" + format + "': expected json or csv");

  const bool reconcile = handler == Handler::kReconcile;
  // The statement and the reconciliation are the organisation's invoice
  // against its usage: a part of it cannot be reconciled (docs/ACCESS.md).
  const report::ReportAccess access = viewers.access(std::get<Viewer>(who));
  if (auto refused =
          refuse_partial_scope(access, reconcile ? "the reconciliation" : "the monthly statement"))
    return std::move(*refused);
  FinanceJob out;
  out.format = format;
  out.what = reconcile ? "reconciliation" : "statement";
  out.filename =
      std::string("codepulse-") + (reconcile ? "reconcile-" : "statement-") + *month + ".csv";
  out.job = std::make_shared<ReportJob>();
  out.job->access = access;
  out.job->run = [&store, reconcile, m = *month,
                  format](const report::ReportAccess&) -> Result<std::string> {
    if (reconcile) {
      auto r = reconcile_month(store, m);
      if (!r) return r.error();
      return render_reconciliation(*r, format);
    }
    auto s = statement_month(store, m);
    if (!s) return s.error();
    return render_statement(*s, format);
  };
  return out;
}

RouteReply finance_reply(FinanceJob& finance) {
  ReportJob& job = *finance.job;
  if (!job.rendered)
    return {{503, error_json(503, "too many reports are running; retry shortly"), 2}};
  RouteReply reply;
  reply.headers.emplace_back("Cache-Control", "no-store");
  if (!*job.rendered) {
    const std::string& why = job.rendered->error().message;
    if (why.rfind(kStoreUnavailable, 0) == 0)
      reply.http = {503, error_json(503, why), 5};
    else if (why.rfind(report::kBelowFloor, 0) == 0)
      reply.http = {403, error_json(403, why)};
    else if (why.rfind(kNoSuchNode, 0) == 0)
      reply.http = {400, error_json(400, why)};
    else if (why.rfind(report::kTooManyNodes, 0) == 0)
      reply.http = {422, error_json(422, why)};
    else
      reply.http = {500, error_json(500, "the " + finance.what + " failed: " + why)};
    return reply;
  }
  reply.http.body = std::move(**job.rendered);
  if (finance.format == "csv") {
    reply.content_type = "text/csv; charset=utf-8";
    reply.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"" + finance.filename + "\"");
  }
  return reply;
}

}  // namespace codepulse::collector
