// The collector's endpoints: the route table the server dispatches on and
// `codepulse-collector serve --help` lists, and the replies for a request no
// route takes (404, 405, a body too large for its route).
#pragma once

#include <cstddef>
#include <string>

#include "collector/http/reply.hpp"
#include "collector/http/router.hpp"

namespace codepulse::collector {

// Route::handler of each of the collector's routes.
struct Handler {
  enum : int {
    kBatches,
    kReport,
    kWhoami,
    kSession,
    kHealth,
    kJiraWebhook,
    kGithubWebhook,
    kBitbucketWebhook,
    kDashboard,
    kHealthz,
    kMetrics,
    kPrices,
    kAdminPrices,
    kAdminPriceHistory,
    kAdminUnpriced,
    kAdminImportBook,
    kAdminAddOverride,
    kAdminRemoveOverride,
    kAdminSeats,
    kAdminAddSeat,
    kAdminEndSeat,
    kAdminRemoveSeat,
    kAdminPeople,
    kAdminPutPeople,
    kAdminUnmappedPeople,
    kAdminExportFocus,
    kGeneration,
    kReconcile,
    kStatement,
    kSsoStatus,
    kSsoLogin,
    kSsoCallback,
    kSsoLogout,
    kBudgets,
    kAdminBudgets,
    kAdminAddBudget,
    kAdminRemoveBudget,
    kAdminOverrideBudget,
    kWaste,
    kAnomalies,
    kHotspots,
    kScim,
    kAdminAudit,
    kDeployments,
    kIncidents,
    kDeploymentStats,
    kDeploymentList,
    kDeploymentBugs,
    kTaskClasses,
  };
};

inline constexpr size_t kSmallBodyLimit = 64 * 1024;  // any request other than a batch or webhook
inline constexpr size_t kWebhookBodyLimit = 1
                                            << 20;  // Jira sends whole issues, GitHub whole pushes
inline constexpr size_t kPriceBookBodyLimit = 4 << 20;  // the default book is about 40 KB

const Router& collector_router();

// The reply to a request `match` found no route for: 404, or 405.
HttpReply refusal(const RouteMatch& match);
// The largest body read for a request: its route's limit, kSmallBodyLimit for
// a request no route takes, 0 for a route that reads its own body (a batch).
size_t body_limit(const RouteMatch& match);
// 413 for a body over `limit` (or chunked), before reading it.
HttpReply body_too_large(const std::string& label, size_t limit);

}  // namespace codepulse::collector
