#include "collector/serve/webhook_routes.hpp"

#include "common/time.hpp"

namespace codepulse::collector {

HttpReply jira_webhook(JiraEndpoint& endpoint, const RouteRequest& request) {
  return endpoint.handle(request.target, request.header("X-Codepulse-Secret"), request.body);
}

HttpReply repo_webhook(RepoWebhookEndpoint& endpoint, const RouteRequest& request) {
  const RepoWebhookSource& source = endpoint.source();
  RepoWebhookRequest r;
  r.event = request.header(source.event_header);
  r.delivery = request.header(source.delivery_header);
  if (source.hook_header) r.hook = request.header(source.hook_header);
  r.signature = request.header(source.signature_header);
  r.body = request.body;
  return endpoint.handle(r, now_utc_ms());
}

namespace {

DeliveryRequest delivery_request(const RouteRequest& request) {
  DeliveryRequest r;
  r.signature = request.header("X-Codepulse-Signature");
  r.pagerduty_signature = request.header("X-PagerDuty-Signature");
  r.secret = request.header("X-Codepulse-Secret");
  r.body = request.body;
  return r;
}

}  // namespace

HttpReply deployment_webhook(DeliveryEndpoint& endpoint, const RouteRequest& request) {
  return endpoint.deployment(delivery_request(request), now_utc_ms());
}

HttpReply incident_webhook(DeliveryEndpoint& endpoint, const RouteRequest& request) {
  return endpoint.incident(delivery_request(request), now_utc_ms());
}

}  // namespace codepulse::collector
