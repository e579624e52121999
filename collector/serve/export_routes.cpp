// The FOCUS export's admin route (export_routes.hpp).
#include "collector/serve/export_routes.hpp"

#include <string>

#include "collector/report/focus_export.hpp"
#include "collector/report/reconcile.hpp"
#include "collector/serve/admin_access.hpp"

namespace codepulse::collector {

RouteReply admin_export_focus(ExportRoutes& routes, const RouteRequest& request) {
  auto caller = admin_caller(routes.viewers, request, "FOCUS export");
  if (auto* no = std::get_if<RouteReply>(&caller)) return std::move(*no);
  std::string error;
  const auto month = query_value(request, "month", error);
  if (!error.empty()) return admin_error(400, error);
  if (!month) return admin_error(400, "month: required, e.g. ?month=2026-11");
  if (!month_days(*month))
    return admin_error(400, "month '" + month->substr(0, 40) + "': expected YYYY-MM, e.g. 2026-11");
  auto e = focus_month(routes.store, *month, routes.max_nodes);
  if (!e) {
    if (e.error().message.rfind(report::kTooManyNodes, 0) == 0)
      return admin_error(422,
                         "cannot export the month: its report has more nodes than this "
                         "collector's export_max_nodes (" +
                             std::to_string(routes.max_nodes) + ")");
    return admin_error(503, "cannot export the month: " + e.error().message);
  }
  return RouteReply{HttpReply{200, render_focus_csv(*e)},
                    "text/csv; charset=utf-8",
                    {{"Cache-Control", "no-store"},
                     {"Content-Disposition", "attachment; filename=\"focus-" + *month + ".csv\""}}};
}

}  // namespace codepulse::collector
