// The FOCUS export's admin route (docs/FOCUS_EXPORT.md): a month of AI
// assistant spend as the CSV `codepulse-collector export focus` writes.
#pragma once

#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct ExportRoutes {
  ViewerAccess& viewers;
  Store& store;
  size_t max_nodes = 0;  // the server's export_max_nodes
};

// GET /v1/admin/export/focus?month=YYYY-MM (routes.hpp: Handler::kAdminExportFocus):
// an admin token or an admin's session; 200 text/csv as an attachment
// "focus-YYYY-MM.csv", 400 for a missing or bad month, 422 when the month's
// report has more nodes than export_max_nodes, 503 when the store cannot be read.
RouteReply admin_export_focus(ExportRoutes& routes, const RouteRequest& request);

}  // namespace codepulse::collector
