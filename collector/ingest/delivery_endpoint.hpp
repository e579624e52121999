// POST /v1/deployments and POST /v1/incidents (docs/DELIVERY.md): any CD
// system's deployments and any alerting system's incidents, signed with the
// collector's delivery secret (delivery_secret_file): X-Codepulse-Signature
// "sha256=<hex HMAC-SHA256 of the body>", as GitHub signs. Incidents also
// take PagerDuty's own signature (X-PagerDuty-Signature "v1=<hex>", the
// same HMAC; several comma-separated during a secret rotation) and, for
// Opsgenie, whose webhooks cannot sign, the secret itself in a custom header
// X-Codepulse-Secret. Bodies: the generic shapes, PagerDuty's V3 webhook
// (event.event_type incident.*) and Opsgenie's alert webhook (action, alert).
// Each is stored through Store::apply_webhook, so a redelivery changes
// nothing.
#pragma once

#include <string>
#include <string_view>

#include "collector/ingest/batch_endpoint.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct DeliveryRequest {
  std::string_view signature;            // X-Codepulse-Signature
  std::string_view pagerduty_signature;  // X-PagerDuty-Signature (incidents only)
  std::string_view secret;               // X-Codepulse-Secret (incidents only)
  std::string_view body;
};

// The parsers, for tests: a delivery (source, its id, the event) from a body.
Result<WebhookDelivery> parse_generic_deployment(std::string_view body, int64_t now_ms);
Result<WebhookDelivery> parse_incident(std::string_view body, int64_t now_ms);

class DeliveryEndpoint {
 public:
  // An empty secret turns both routes off (404 saying how to turn them on).
  DeliveryEndpoint(Store& store, std::string secret) : store_(store), secret_(std::move(secret)) {}

  // 200 with what was stored, or {"duplicate":true}; 401 bad or missing
  // signature; 400 unreadable body (naming the field); 503 store failure.
  HttpReply deployment(const DeliveryRequest& request, int64_t now_ms);
  HttpReply incident(const DeliveryRequest& request, int64_t now_ms);

 private:
  HttpReply store(Result<WebhookDelivery> parsed, const char* what);
  Store& store_;
  const std::string secret_;
};

}  // namespace codepulse::collector
