// The seats' admin API under /v1/admin/seats (docs/COLLECTOR.md): list,
// add, end and remove seats, checked by the store as the CLI's are; reports
// spread the seats from their next answer on (docs/METRICS.md).
#pragma once

#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct SeatRoutes {
  ViewerAccess& viewers;
  Store& store;
};

// The admin routes (routes.hpp: Handler::kAdmin*Seat*): an admin token or an
// admin's session (whose changes need its CSRF header); others get 403.
//   GET    /v1/admin/seats           {"seats": [...]}
//   POST   /v1/admin/seats           {"plan", "assistant", "assignee", "monthly_usd",
//                                     "start", "end"?, "note"?} -> the seat
//   POST   /v1/admin/seats/ID/end    {"end": "YYYY-MM-DD"} -> the seat
//   DELETE /v1/admin/seats/ID        {"removed": ID}
// Bad input is 400 naming the field, an unknown seat 404, the store 503.
RouteReply admin_seats(int handler, SeatRoutes& routes, const RouteRequest& request);

}  // namespace codepulse::collector
