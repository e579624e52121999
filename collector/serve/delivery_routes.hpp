// GET /v1/deployments/stats, GET /v1/deployments and GET /v1/deployments/bugs
// (docs/DELIVERY.md): the delivery metrics per environment, the deployments
// of a range and the bug rates of its commits, for
// viewer and admin tokens, run on the report thread and answered like the
// finance views (finance_routes.hpp).
#pragma once

#include <variant>

#include "collector/report/delivery_settings.hpp"
#include "collector/serve/finance_routes.hpp"

namespace codepulse::collector {

// since and until (as /v1/report takes them; default: the 30 days before
// now). 401/403 as identify() answers, 400 for a bad parameter, else the job.
std::variant<HttpReply, FinanceJob> start_delivery(int handler, ViewerAccess& viewers, Store& store,
                                                   const DeliverySettings& settings,
                                                   const RouteRequest& request);

}  // namespace codepulse::collector
