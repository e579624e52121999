// POST /v1/webhooks/jira, github and bitbucket, /v1/deployments and /v1/incidents in the server's
// terms: the headers each source sends handed to its endpoint (collector/ingest/).
#pragma once

#include "collector/ingest/delivery_endpoint.hpp"
#include "collector/ingest/jira_endpoint.hpp"
#include "collector/ingest/repo_webhook_endpoint.hpp"
#include "collector/serve/route_io.hpp"

namespace codepulse::collector {

HttpReply jira_webhook(JiraEndpoint& endpoint, const RouteRequest& request);
// GitHub or Bitbucket, by the endpoint's source.
HttpReply repo_webhook(RepoWebhookEndpoint& endpoint, const RouteRequest& request);
// POST /v1/deployments and POST /v1/incidents (delivery_endpoint.hpp).
HttpReply deployment_webhook(DeliveryEndpoint& endpoint, const RouteRequest& request);
HttpReply incident_webhook(DeliveryEndpoint& endpoint, const RouteRequest& request);

}  // namespace codepulse::collector
