// The budgets' routes (docs/BUDGETS.md "API"): the viewers' state of every
// budget from the last refresh (GET /v1/budgets), and the admin API under
// /v1/admin/budgets: list, add, remove, override. A change asks the
// refresher for a new state at once.
#pragma once

#include "collector/ingest/budget_board.hpp"
#include "collector/serve/budget_refresher.hpp"
#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct BudgetRoutes {
  ViewerAccess& viewers;
  Store& store;
  BudgetBoard& board;
  BudgetRefresher& refresher;
};

//   GET    /v1/budgets                     {"computed_at", "budgets": [state...]} (viewers)
//   GET    /v1/admin/budgets               {"budgets": [...]}
//   POST   /v1/admin/budgets               {"scope", "value"?, "period"?, "basis"?,
//                                           "amount_usd", "warn_percent"?, "enforce"?,
//                                           "start"?, "end"?, "note"?, "allow_unseen"?}
//   POST   /v1/admin/budgets/ID/override   {"until": ISO time, "reason"}
//   DELETE /v1/admin/budgets/ID            {"removed": ID}
// Bad input is 400 naming the field, an overlap 409, an unknown budget 404,
// the store 503; GET /v1/budgets is 503 before the first refresh.
RouteReply budget_routes(int handler, BudgetRoutes& routes, const RouteRequest& request);

}  // namespace codepulse::collector
