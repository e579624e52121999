#include "collector/serve/viewer_routes.hpp"

#include <algorithm>

#include "collector/ingest/budget_board.hpp"
#include "collector/ingest/store_generation.hpp"
#include "collector/serve/dashboard_assets.hpp"
#include "common/json_writer.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

std::variant<HttpReply, std::shared_ptr<ReportJob>> start_report(ViewerAccess& viewers,
                                                                 const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), true);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  auto pairs = query_params(request);
  if (!pairs) return HttpReply{400, error_json(400, pairs.error().message)};
  report::Params params(pairs->begin(), pairs->end());
  if (std::none_of(params.begin(), params.end(), [](const auto& p) { return p.first == "format"; }))
    params.emplace_back("format", "json");
  auto parsed = report::parse_report_params(params);
  if (!parsed) return HttpReply{400, error_json(400, parsed.error().message)};
  auto job = std::make_shared<ReportJob>();
  job->request = std::move(parsed).value();
  return job;
}

RouteReply report_reply(ReportJob& job) {
  if (!job.rendered)
    return {{503, error_json(503, "too many reports are running; retry shortly"), 2}};
  if (!*job.rendered) {
    const std::string& why = job.rendered->error().message;
    if (why.rfind(report::kTooManyNodes, 0) == 0) return {{422, error_json(422, why)}};
    if (why.rfind(kStoreUnavailable, 0) == 0) return {{503, error_json(503, why), 5}};
    return {{500, error_json(500, "the report failed: " + why)}};
  }
  RouteReply reply;
  reply.http.body = std::move(**job.rendered);
  reply.content_type = job.request.format == "json"  ? "application/json"
                       : job.request.format == "csv" ? "text/csv; charset=utf-8"
                                                     : "text/plain; charset=utf-8";
  return reply;
}

HttpReply whoami(ViewerAccess& viewers, const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), false);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  const TokenInfo& token = std::get<Viewer>(who).token;
  std::string body;
  JsonWriter w(body);
  w.begin_object()
      .field("author", token.author)
      .field("role", role_name(token.role))
      .field("token_id", token.id)
      .end_object();
  return {200, body};
}

HttpReply generation(ViewerAccess& viewers, const StoreGeneration& generation,
                     const BudgetBoard& budgets, const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), false);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  write_generation_fields(w, generation);
  write_author_budgets(w, std::get<Viewer>(who).token.author, budgets.snapshot());
  w.end_object();
  return {200, body};
}

RouteReply session(ViewerAccess& viewers, const RouteRequest& request) {
  WebReply web{{405, error_json(405,
                                "use POST (log in), GET or DELETE (log out) for "
                                "/v1/session")}};
  if (request.method == "POST")
    web = viewers.login(web_request(request));
  else if (request.method == "GET")
    web = viewers.current(web_request(request));
  else if (request.method == "DELETE")
    web = viewers.logout(web_request(request));
  return {std::move(web.http), "application/json", std::move(web.headers)};
}

RouteReply dashboard(const RouteRequest& request) {
  auto asset = find_dashboard_asset(request.target.substr(0, request.target.find('?')));
  if (!asset) return {{404, error_json(404, "no such dashboard file")}};
  return {
      {200, std::string(asset->body)}, std::move(asset->content_type), std::move(asset->headers)};
}

}  // namespace codepulse::collector
