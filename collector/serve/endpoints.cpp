#include "collector/serve/endpoints.hpp"

#include "collector/serve/audit_routes.hpp"
#include "collector/serve/budget_routes.hpp"
#include "collector/serve/export_routes.hpp"
#include "collector/serve/health_routes.hpp"
#include "collector/serve/people_routes.hpp"
#include "collector/serve/prices_routes.hpp"
#include "collector/serve/routes.hpp"
#include "collector/serve/scim_routes.hpp"
#include "collector/serve/seat_routes.hpp"
#include "collector/serve/sso_routes.hpp"
#include "collector/serve/viewer_routes.hpp"
#include "collector/serve/webhook_routes.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

// server_options() checked the patterns: an error here cannot happen.
MessageRules message_rules(const DeliverySettings& settings) {
  auto rules = parse_message_rules(settings.hotfix_message_patterns);
  MessageRules out = rules ? std::move(rules).value() : MessageRules{};
  if (auto deploys = parse_deploy_status_rules(settings.bitbucket_deploy_statuses))
    out.deploy_statuses = std::move(deploys).value();
  return out;
}

}  // namespace

Endpoints::Endpoints(const ServerOptions& options, Store& store, Logger& log,
                     std::unique_ptr<PricingState> pricing, StoreGeneration generation)
    : store_(store),
      limiter_(options.limits.rate_per_s, options.limits.burst),
      queue_(store),
      batches_(store, limiter_, metrics_, options.limits),
      pricing_(std::move(pricing)),
      reports_(store, *pricing_, log, options.report_max_nodes, options.leverage_weights, 8,
               options.analytics_store),
      report_max_nodes_(options.report_max_nodes),
      export_max_nodes_(options.export_max_nodes),
      viewers_(store, sessions_, now_utc_ms),
      jira_(store, options.jira_webhook_secret, options.jira_epic_link_field,
            options.jira_story_points_field),
      github_(store, github_webhook_source(), options.github_webhook_secret,
              message_rules(options.delivery)),
      bitbucket_(store, bitbucket_webhook_source(), options.bitbucket_webhook_secret,
                 message_rules(options.delivery)),
      delivery_(store, options.delivery.secret),
      refresher_(store, budgets_, log, options.budget_refresh_ms, options.budget_metrics_top) {
  batches_.set_generation(std::move(generation));
  if (options.oidc.enabled())
    oidc_ = std::make_unique<OidcLogin>(options.oidc, store, oidc_https(options.oidc), now_utc_ms);
  batches_.set_budgets(&budgets_);
  viewers_.set_min_group_size(options.min_group_size);
  refresher_.start();
}

RouteReply Endpoints::answer(int handler, const RouteRequest& request) {
  switch (handler) {
    case Handler::kWhoami:
      return {whoami(viewers_, request)};
    case Handler::kGeneration:
      return {generation(viewers_, batches_.generation(), budgets_, request)};
    case Handler::kSession:
      return session(viewers_, request);
    case Handler::kJiraWebhook:
      return {jira_webhook(jira_, request)};
    case Handler::kGithubWebhook:
      return {repo_webhook(github_, request)};
    case Handler::kBitbucketWebhook:
      return {repo_webhook(bitbucket_, request)};
    case Handler::kDeployments:
      return {deployment_webhook(delivery_, request)};
    case Handler::kIncidents:
      return {incident_webhook(delivery_, request)};
    case Handler::kHealth:
      return {health(viewers_, store_, metrics_, queue_, request)};
    case Handler::kHealthz:
      return {healthz(store_)};
    case Handler::kMetrics:
      return {{200, metrics_text(store_, metrics_, queue_, reports_, budgets_)},
              "text/plain; version=0.0.4"};
    case Handler::kDashboard:
      return dashboard(request);
    case Handler::kPrices: {
      PriceRoutes routes{viewers_, store_, *pricing_, reports_};
      return price_book(routes, request);
    }
    case Handler::kAdminPrices:
    case Handler::kAdminPriceHistory:
    case Handler::kAdminUnpriced:
    case Handler::kAdminImportBook:
    case Handler::kAdminAddOverride:
    case Handler::kAdminRemoveOverride: {
      PriceRoutes routes{viewers_, store_, *pricing_, reports_};
      return admin_prices(handler, routes, request);
    }
    case Handler::kAdminSeats:
    case Handler::kAdminAddSeat:
    case Handler::kAdminEndSeat:
    case Handler::kAdminRemoveSeat: {
      SeatRoutes routes{viewers_, store_};
      return admin_seats(handler, routes, request);
    }
    case Handler::kSsoStatus:
    case Handler::kSsoLogin:
    case Handler::kSsoCallback:
    case Handler::kSsoLogout: {
      SsoRoutes routes{oidc_.get(), viewers_, store_};
      return sso_route(handler, routes, request);
    }
    case Handler::kBudgets:
    case Handler::kAdminBudgets:
    case Handler::kAdminAddBudget:
    case Handler::kAdminRemoveBudget:
    case Handler::kAdminOverrideBudget: {
      BudgetRoutes routes{viewers_, store_, budgets_, refresher_};
      return budget_routes(handler, routes, request);
    }
    case Handler::kAdminPeople:
    case Handler::kAdminPutPeople:
    case Handler::kAdminUnmappedPeople: {
      PeopleRoutes routes{viewers_, store_};
      return admin_people(handler, routes, request);
    }
    case Handler::kScim: {
      ScimRoutes routes{store_, now_utc_ms};
      return scim_route(routes, request);
    }
    case Handler::kAdminAudit:
      return admin_audit(viewers_, store_, request);
    case Handler::kAdminExportFocus: {
      ExportRoutes routes{viewers_, store_, export_max_nodes_};
      return admin_export_focus(routes, request);
    }
    default:
      break;
  }
  return {{500, error_json(500, "no handler answers this route at once")}};
}

void Endpoints::audit(int handler, const RouteRequest& request, const RouteReply& reply) {
  audit_request(viewers_, store_, handler, request, reply, now_utc_ms());
}

void Endpoints::stop() {
  refresher_.stop();
  queue_.stop();
  reports_.stop();
}

}  // namespace codepulse::collector
