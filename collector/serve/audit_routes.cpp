// The audit log over HTTP (audit_routes.hpp).
#include "collector/serve/audit_routes.hpp"

#include "collector/report/audit_views.hpp"
#include "collector/serve/admin_access.hpp"
#include "collector/serve/routes.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxBodyShown = 300;

// What a request of `handler` is in the audit log ("" = not kept).
std::string action_of(int handler, const RouteRequest& request) {
  const bool csv = request.target.find("format=csv") != std::string_view::npos;
  const char* read = csv ? ".export" : ".view";
  switch (handler) {
    case Handler::kReport:
      return std::string("report") + read;
    case Handler::kReconcile:
      return std::string("reconcile") + read;
    case Handler::kStatement:
      return std::string("statement") + read;
    case Handler::kWaste:
      return std::string("waste") + read;
    case Handler::kAnomalies:
      return std::string("anomalies") + read;
    case Handler::kDeploymentStats:
    case Handler::kDeploymentList:
      return "deployments.view";
    case Handler::kDeploymentBugs:
      return "bugs.view";
    case Handler::kTaskClasses:
      return "tasks.view";
    case Handler::kHotspots:
      return std::string("hotspots") + read;
    case Handler::kAdminExportFocus:
      return "focus.export";
    case Handler::kAdminAudit:
      return std::string("audit") + read;
    case Handler::kAdminPutPeople:
      return "people.replace";
    case Handler::kAdminImportBook:
      return "prices.import";
    case Handler::kAdminAddOverride:
      return "prices.override.add";
    case Handler::kAdminRemoveOverride:
      return "prices.override.remove";
    case Handler::kAdminAddSeat:
      return "seats.add";
    case Handler::kAdminEndSeat:
      return "seats.end";
    case Handler::kAdminRemoveSeat:
      return "seats.remove";
    case Handler::kAdminAddBudget:
      return "budgets.add";
    case Handler::kAdminRemoveBudget:
      return "budgets.remove";
    case Handler::kAdminOverrideBudget:
      return "budgets.override";
    default:
      return "";
  }
}

}  // namespace

RouteReply admin_audit(ViewerAccess& viewers, Store& store, const RouteRequest& request) {
  auto caller = admin_caller(viewers, request, "audit log");
  if (auto* no = std::get_if<RouteReply>(&caller)) return std::move(*no);
  std::string error;
  std::optional<std::string> values[4];
  const char* names[4] = {"since", "until", "actor", "format"};
  for (int i = 0; i < 4; ++i) {
    values[i] = query_value(request, names[i], error);
    if (!error.empty()) return admin_error(400, error);
  }
  const std::string format = values[3].value_or("json");
  if (format != "json" && format != "csv")
    return admin_error(400, "format must be json or csv, not '" + format + "'");
  auto q = audit_query(values[0], values[1], values[2]);
  if (!q) return admin_error(400, q.error().message);
  auto events = store.list_audit(*q);
  if (!events) return admin_error(503, "cannot read the audit log: " + events.error().message);
  if (format == "json") return admin_json(200, audit_json(*events));
  RouteReply r = admin_json(200, audit_csv(*events));
  r.content_type = "text/csv; charset=utf-8";
  return r;
}

void audit_request(ViewerAccess& viewers, Store& store, int handler, const RouteRequest& request,
                   const RouteReply& reply, int64_t now_ms) {
  if (reply.http.status < 200 || reply.http.status > 299) return;
  const std::string action = action_of(handler, request);
  if (action.empty()) return;
  auto who = viewers.identify(web_request(request), false);
  const auto* viewer = std::get_if<Viewer>(&who);
  if (!viewer) return;
  const TokenInfo& t = viewer->token;
  AuditEvent e;
  e.at_ms = now_ms;
  e.actor = t.author + " (" + role_name(t.role) +
            (viewer->session_id.empty() ? " token " + std::to_string(t.id) : " session") + ")";
  e.action = action;
  e.target = std::string(request.method) + " " + std::string(request.target);
  if (request.method != "GET") {
    // Admin bodies hold prices, budgets, seats and people: no secrets; a
    // large one (a price book, a whole directory) is only measured.
    e.detail = request.body.size() <= kMaxBodyShown
                   ? std::string(request.body)
                   : "a body of " + std::to_string(request.body.size()) + " bytes";
  } else {
    e.detail = "HTTP " + std::to_string(reply.http.status) + ", " +
               std::to_string(reply.http.body.size()) + " bytes";
  }
  (void)store.append_audit(e);
}

}  // namespace codepulse::collector
