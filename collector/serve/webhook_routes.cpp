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

}  // namespace codepulse::collector
