// What one server's routes answer with: the ingest queue, the report thread,
// sessions, webhooks and counters it owns, and answer() for every route that
// replies at once. Batches and reports wait for their threads; https_server.cpp
// does that waiting (batch_routes.hpp, viewer_routes.hpp). The prices in
// force (PricingState) are loaded before the server is made.
#pragma once

#include "collector/ingest/batch_endpoint.hpp"
#include "collector/ingest/delivery_endpoint.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/ingest/jira_endpoint.hpp"
#include "collector/ingest/metrics.hpp"
#include "collector/ingest/rate_limiter.hpp"
#include "collector/ingest/repo_webhook_endpoint.hpp"
#include "collector/report/pricing_state.hpp"
#include "collector/serve/budget_refresher.hpp"
#include "collector/serve/https_server.hpp"
#include "collector/serve/oidc_login.hpp"
#include "collector/serve/report_runner.hpp"
#include "collector/serve/route_io.hpp"
#include "collector/serve/session_store.hpp"
#include "collector/serve/viewer_access.hpp"

namespace codepulse::collector {

class Endpoints {
 public:
  Endpoints(const ServerOptions& options, Store& store, Logger& log,
            std::unique_ptr<PricingState> pricing, StoreGeneration generation);

  // The reply of a route whose handler (routes.hpp: Handler) answers at once;
  // every one but kBatches and kReport.
  RouteReply answer(int handler, const RouteRequest& request);
  // Records the request in the audit log when it is a view, an export or an
  // admin change (audit_routes.hpp).
  void audit(int handler, const RouteRequest& request, const RouteReply& reply);

  Metrics& metrics() { return metrics_; }
  IngestQueue& queue() { return queue_; }
  BatchEndpoint& batches() { return batches_; }
  ReportRunner& reports() { return reports_; }
  PricingState& pricing() { return *pricing_; }
  ViewerAccess& viewers() { return viewers_; }
  Store& store() { return store_; }
  BudgetBoard& budgets() { return budgets_; }
  size_t report_max_nodes() const { return report_max_nodes_; }
  BudgetRefresher& budget_refresher() { return refresher_; }

  // Stores every accepted batch, then ends the writer and report threads.
  void stop();

 private:
  Store& store_;
  Metrics metrics_;
  RateLimiter limiter_;
  IngestQueue queue_;
  BatchEndpoint batches_;
  std::unique_ptr<PricingState> pricing_;
  ReportRunner reports_;
  size_t report_max_nodes_;
  size_t export_max_nodes_;  // the FOCUS export's month report
  SessionStore sessions_;
  ViewerAccess viewers_;
  std::unique_ptr<OidcLogin> oidc_;  // null when single sign-on is off
  JiraEndpoint jira_;
  RepoWebhookEndpoint github_, bitbucket_;
  DeliveryEndpoint delivery_;
  BudgetBoard budgets_;
  BudgetRefresher refresher_;
};

}  // namespace codepulse::collector
