// The audit log over HTTP (docs/SECURITY.md, "Audit log"): GET
// /v1/admin/audit for admins, and the events the serve layer records of
// the requests it answers: every report, statement, reconciliation, waste,
// anomaly or FOCUS export read (with its query), and every admin change
// (people, prices, seats, budgets) with its actor and a summary of the
// change (never a token or session).
#pragma once

#include <optional>
#include <string>

#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// GET /v1/admin/audit?since=&until=&actor=&format=json|csv: admins only (403
// otherwise); since/until are days or ISO instants (UTC).
RouteReply admin_audit(ViewerAccess& viewers, Store& store, const RouteRequest& request);

// After `handler` answered `request` with `reply`: appends the event the
// request stands for, when it is one the audit log keeps and it succeeded
// (a 2xx). The caller is named as the access rules identify it.
void audit_request(ViewerAccess& viewers, Store& store, int handler, const RouteRequest& request,
                   const RouteReply& reply, int64_t now_ms);

}  // namespace codepulse::collector
