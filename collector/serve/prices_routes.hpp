// The price endpoints: GET /v1/prices (the book in force, for any token, with
// its digest as ETag so trackers refresh it cheaply) and the admin API under
// /v1/admin/prices: the prices, their history and the unpriced models; a book
// import and override changes, each of which re-prices every report.
#pragma once

#include "collector/report/pricing_state.hpp"
#include "collector/serve/report_runner.hpp"
#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct PriceRoutes {
  ViewerAccess& viewers;
  Store& store;
  PricingState& pricing;
  const ReportRunner& reports;
};

// GET /v1/prices: 200 with the book's canonical JSON, ETag "<digest>" and
// Cache-Control: no-cache; 304 without a body when If-None-Match names it.
RouteReply price_book(PriceRoutes& routes, const RouteRequest& request);
// The admin routes (routes.hpp: Handler::kAdmin*): an admin token or an
// admin's session (whose changes need its CSRF header); others get 403.
RouteReply admin_prices(int handler, PriceRoutes& routes, const RouteRequest& request);

}  // namespace codepulse::collector
