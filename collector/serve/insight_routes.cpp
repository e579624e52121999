// The waste ledger and the anomalies over HTTP (insight_routes.hpp).
#include "collector/serve/insight_routes.hpp"

#include "collector/report/anomaly_report.hpp"
#include "collector/report/hotspots.hpp"
#include "collector/report/insight_options.hpp"
#include "collector/report/waste_report.hpp"
#include "collector/serve/routes.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

// GET /v1/hotspots: since, until, format and the settings of docs/HOTSPOTS.md.
std::variant<HttpReply, FinanceJob> start_hotspots(
    Store& store, const std::vector<std::pair<std::string, std::string>>& pairs,
    const report::ReportAccess& access) {
  HotspotOptions options;
  report::Params params{{"format", "json"}};
  for (const auto& [name, value] : pairs) {
    auto taken = set_hotspot_option(options, name, value);
    if (!taken) return HttpReply{400, error_json(400, taken.error().message)};
    if (*taken) continue;
    if (name != "since" && name != "until" && name != "format")
      return HttpReply{400, error_json(400, "unknown parameter '" + name +
                                                "'; use since, until, format and the "
                                                "settings of docs/HOTSPOTS.md")};
    if (name == "format")
      params.front().second = value;
    else
      params.emplace_back(name, value);
  }
  if (auto s = check_hotspot_options(options); !s)
    return HttpReply{400, error_json(400, s.error().message)};
  auto parsed = report::parse_report_params(params);
  if (!parsed) return HttpReply{400, error_json(400, parsed.error().message)};
  if (parsed->format != "json" && parsed->format != "csv")
    return HttpReply{400, error_json(400, "format '" + parsed->format + "': expected json or csv")};
  FinanceJob out;
  out.format = parsed->format;
  out.what = "hotspots";
  out.filename = "codepulse-hotspots.csv";
  out.job = std::make_shared<ReportJob>();
  out.job->access = access;
  out.job->run = [&store, q = parsed->query, options, format = parsed->format](
                     const report::ReportAccess& caller) -> Result<std::string> {
    const int64_t until = q.until_ms.value_or(now_utc_ms());
    const int64_t since = q.since_ms.value_or(until - 90 * 86'400'000LL);
    auto spots = store_hotspots(store, since, until, options, caller);
    if (!spots) return spots.error();
    return render_hotspots(*spots, options, format);
  };
  return out;
}

}  // namespace

std::variant<HttpReply, FinanceJob> start_insight(int handler, ViewerAccess& viewers, Store& store,
                                                  const RouteRequest& request, size_t max_nodes) {
  auto who = viewers.identify(web_request(request), true);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  auto pairs = query_params(request);
  if (!pairs) return HttpReply{400, error_json(400, pairs.error().message)};
  if (handler == Handler::kHotspots) {
    // Files and their authors across the organisation: for organisation-wide
    // callers only (docs/ACCESS.md).
    const report::ReportAccess access = viewers.access(std::get<Viewer>(who));
    if (auto refused = refuse_partial_scope(access, "the hotspots")) return std::move(*refused);
    return start_hotspots(store, *pairs, access);
  }
  const bool waste = handler == Handler::kWaste;
  WasteOptions waste_options;
  AnomalyOptions anomaly_options;
  report::Params params{{"format", "json"}};
  for (const auto& [name, value] : *pairs) {
    auto taken = waste ? set_waste_option(waste_options, name, value)
                       : set_anomaly_option(anomaly_options, name, value);
    if (!taken) return HttpReply{400, error_json(400, taken.error().message)};
    if (*taken) continue;
    if (!waste && name != "since" && name != "until" && name != "format")
      return HttpReply{400, error_json(400, "unknown parameter '" + name +
                                                "'; use since, until, format and the "
                                                "settings of docs/ANOMALIES.md")};
    if (name == "format")
      params.front().second = value;
    else
      params.emplace_back(name, value);
  }
  auto parsed = report::parse_report_params(params);
  if (!parsed) return HttpReply{400, error_json(400, parsed.error().message)};
  if (parsed->format != "json" && parsed->format != "csv")
    return HttpReply{400, error_json(400, "format '" + parsed->format + "': expected json or csv")};
  FinanceJob out;
  out.format = parsed->format;
  out.what = waste ? "waste ledger" : "anomaly search";
  out.filename = waste ? "codepulse-waste.csv" : "codepulse-anomalies.csv";
  out.job = std::make_shared<ReportJob>();
  out.job->access = viewers.access(std::get<Viewer>(who));
  if (waste) {
    parsed->query.max_nodes = max_nodes;
    out.job->run = [&store, q = parsed->query, waste_options, format = parsed->format](
                       const report::ReportAccess& access) -> Result<std::string> {
      report::ReportQuery scoped = q;
      scoped.scope = access.scope;
      scoped.min_group_size = access.min_group_size;
      auto ledger = waste_ledger(store, scoped, waste_options, now_utc_ms());
      if (!ledger) return ledger.error();
      return render_waste(*ledger, format);
    };
  } else {
    out.job->run = [&store, q = parsed->query, anomaly_options, format = parsed->format](
                       const report::ReportAccess& access) -> Result<std::string> {
      const int64_t until = q.until_ms.value_or(now_utc_ms());
      const int64_t since = q.since_ms.value_or(until - 7 * 86'400'000LL);
      auto found = store_anomalies(store, since, until, anomaly_options, nullptr, access);
      if (!found) return found.error();
      return render_anomalies(*found, format);
    };
  }
  return out;
}

}  // namespace codepulse::collector
