// The delivery metrics over HTTP (delivery_routes.hpp).
#include "collector/serve/delivery_routes.hpp"

#include <cmath>
#include <cstdlib>

#include "collector/report/bug_report.hpp"
#include "collector/report/delivery_report.hpp"
#include "collector/report/task_class_report.hpp"
#include "collector/serve/routes.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

namespace {

// GET /v1/tasks/classes: since, until (default: the 90 days before now), by,
// outlier, min_tasks.
std::variant<HttpReply, FinanceJob> start_task_classes(
    Store& store, const DeliverySettings& settings,
    const std::vector<std::pair<std::string, std::string>>& pairs,
    const report::ReportAccess& access) {
  report::Params params{{"format", "json"}};
  TaskClassOptions o;
  auto bad = [](const std::string& m) { return HttpReply{400, error_json(400, m)}; };
  for (const auto& [name, value] : pairs) {
    if (name == "since" || name == "until") {
      params.emplace_back(name, value);
    } else if (name == "by") {
      auto by = parse_class_by(value);
      if (!by) return bad(by.error().message);
      o.by = std::move(by).value();
    } else if (name == "outlier" || name == "min_tasks") {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      const bool factor = name == "outlier";
      const bool in_range = factor ? v >= 1 && v <= 1000 : v >= 1 && v <= 1'000'000;
      if (value.empty() || end != value.c_str() + value.size() || !in_range ||
          (!factor && v != std::floor(v)))
        return bad(
            name + ": expected " +
            (name == "outlier" ? "a number from 1 to 1000" : "a whole number from 1 to 1000000") +
            ", got '" + value + "'");
      if (name == "outlier")
        o.outlier_factor = v;
      else
        o.min_tasks = static_cast<int64_t>(v);
    } else {
      return bad("unknown parameter '" + name + "'; use since, until, by, outlier, min_tasks");
    }
  }
  auto parsed = report::parse_report_params(params);
  if (!parsed) return bad(parsed.error().message);
  o.until_ms = parsed->query.until_ms.value_or(now_utc_ms());
  o.since_ms = parsed->query.since_ms.value_or(o.until_ms - 90 * 86'400'000LL);
  FinanceJob out;
  out.format = "json";
  out.what = "task classes";
  out.filename = "codepulse-task-classes.json";
  out.job = std::make_shared<ReportJob>();
  out.job->access = access;
  out.job->run = [&store, o, settings](const report::ReportAccess&) -> Result<std::string> {
    auto r = task_class_report(store, o, settings);
    if (!r) return r.error();
    return task_class_json(*r);
  };
  return out;
}

}  // namespace

std::variant<HttpReply, FinanceJob> start_delivery(int handler, ViewerAccess& viewers, Store& store,
                                                   const DeliverySettings& settings,
                                                   const RouteRequest& request) {
  auto who = viewers.identify(web_request(request), true);
  if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
  auto pairs = query_params(request);
  if (!pairs) return HttpReply{400, error_json(400, pairs.error().message)};
  // Deployments, failures, bugs and task classes are the organisation's:
  // for organisation-wide callers only (docs/ACCESS.md).
  const report::ReportAccess access = viewers.access(std::get<Viewer>(who));
  if (auto refused = refuse_partial_scope(access, "the delivery metrics"))
    return std::move(*refused);
  if (handler == Handler::kTaskClasses) return start_task_classes(store, settings, *pairs, access);
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
  if (handler == Handler::kDeploymentBugs) {
    out.what = "bug rates";
    out.filename = "codepulse-bugs.json";
    out.job = std::make_shared<ReportJob>();
    out.job->access = access;
    out.job->run = [&store, since, until](const report::ReportAccess&) -> Result<std::string> {
      auto r = bug_report(store, since, until);
      if (!r) return r.error();
      return bug_report_json(*r);
    };
    return out;
  }
  out.what = stats ? "delivery metrics" : "deployment list";
  out.filename = "codepulse-deployments.json";
  out.job = std::make_shared<ReportJob>();
  out.job->access = access;
  out.job->run = [&store, o = std::move(options).value(),
                  stats](const report::ReportAccess&) -> Result<std::string> {
    auto r = delivery_report(store, o);
    if (!r) return r.error();
    return stats ? delivery_stats_json(*r) : delivery_list_json(*r);
  };
  return out;
}

}  // namespace codepulse::collector
