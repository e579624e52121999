// The delivery metrics over HTTP (delivery_routes.hpp).
#include "collector/serve/delivery_routes.hpp"

#include "collector/report/delivery_report.hpp"
#include "collector/serve/routes.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

std::variant<HttpReply, FinanceJob> start_delivery(int handler, ViewerAccess& viewers, Store& store,
                                                   const DeliverySettings& settings,
                                                   const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), true);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  auto pairs = query_params(request);
  if (!pairs) return HttpReply{400, error_json(400, pairs.error().message)};
  report::Params params{{"format", "json"}};
  for (const auto& [name, value] : *pairs) {
    if (name != "since" && name != "until")
      return HttpReply{400, error_json(400, "unknown parameter '" + name + "'; use since, until")};
    params.emplace_back(name, value);
  }
  auto parsed = report::parse_report_params(params);
  if (!parsed) return HttpReply{400, error_json(400, parsed.error().message)};
  const int64_t until = parsed->query.until_ms.value_or(now_utc_ms());
  const int64_t since = parsed->query.since_ms.value_or(until - 30 * 86'400'000LL);
  auto options = delivery_options(settings, since, until);
  if (!options) return HttpReply{400, error_json(400, options.error().message)};
  const bool stats = handler == Handler::kDeploymentStats;
  FinanceJob out;
  out.format = "json";
  out.what = stats ? "delivery metrics" : "deployment list";
  out.filename = "codepulse-deployments.json";
  out.job = std::make_shared<ReportJob>();
  out.job->run = [&store, o = std::move(options).value(), stats]() -> Result<std::string> {
    auto r = delivery_report(store, o);
    if (!r) return r.error();
    return stats ? delivery_stats_json(*r) : delivery_list_json(*r);
  };
  return out;
}

}  // namespace codepulse::collector
