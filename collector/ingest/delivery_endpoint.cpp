#include "collector/ingest/delivery_endpoint.hpp"

#include <openssl/crypto.h>

#include <algorithm>

#include "collector/ingest/webhook_json.hpp"
#include "collector/ingest/webhook_signature.hpp"
#include "common/ascii.hpp"
#include "common/hashing.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {
namespace {

using namespace webhook_json;
using simdjson::dom::element;

// A required plain string.
Status required_text(element e, const char* key, const std::string& what, std::string& out) {
  if (auto s = read_text(e, key, what, out); !s) return s;
  if (out.empty()) return make_error(what + ": required");
  return {};
}

// "HOST/owner/name", lower-cased, as webhooks name repositories.
Status read_repo(element e, bool required, std::string& out) {
  if (auto s = read_text(e, "repo", "repo", out); !s) return s;
  if (out.empty()) {
    if (required) return make_error("repo: required (\"github.com/OWNER/NAME\")");
    return {};
  }
  out = ascii_lower(out);
  if (std::count(out.begin(), out.end(), '/') < 2 || out.front() == '/' || out.back() == '/')
    return make_error("repo '" + out + "' is not HOST/OWNER/NAME (\"github.com/acme/api\")");
  return {};
}

// A time in ms UTC given as milliseconds or (over 1e15) nanoseconds since
// the epoch, as Opsgenie sends them.
Status read_epoch(element e, const char* key, const std::string& what, int64_t& out) {
  int64_t v = 0;
  if (e[key].get_int64().get(v)) return make_error(what + ": required, milliseconds since 1970");
  if (v > 1'000'000'000'000'000) v /= 1'000'000;
  if (v <= 0) return make_error(what + ": not a time");
  out = v;
  return {};
}

bool secret_equal(std::string_view given, const std::string& secret) {
  return !secret.empty() && given.size() == secret.size() &&
         CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

// PagerDuty's X-PagerDuty-Signature: "v1=<hex>[,v1=<hex>...]".
bool pagerduty_signed(std::string_view header, const std::string& secret, std::string_view body) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view one = header.substr(0, comma);
    while (!one.empty() && one.front() == ' ')
      one.remove_prefix(1);
    if (one.substr(0, 3) == "v1=" &&
        hub_signature_valid("sha256=" + std::string(one.substr(3)), secret, body))
      return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

Result<WebhookDelivery> pagerduty(element doc, int64_t now_ms) {
  auto event = object_at(doc, "event", "event");
  if (!event) return event.error();
  WebhookDelivery d{"pagerduty", "", now_ms, {}};
  if (auto s = required_text(*event, "id", "event.id", d.delivery_id); !s) return s.error();
  std::string type;
  if (auto s = required_text(*event, "event_type", "event.event_type", type); !s) return s.error();
  d.event.event = type;
  if (type.rfind("incident.", 0) != 0) return d;  // a service event: nothing to store
  auto data = object_at(*event, "data", "event.data");
  if (!data) return data.error();
  IncidentUpdate& i = d.event.incident;
  if (auto s = required_text(*data, "id", "event.data.id", i.id); !s) return s.error();
  if (auto s = read_time(*data, "created_at", "event.data.created_at", true, i.started_ms); !s)
    return s.error();
  if (type == "incident.resolved") {
    if (auto s = read_time(*event, "occurred_at", "event.occurred_at", true, i.resolved_ms); !s)
      return s.error();
  }
  d.event.kind = WebhookEvent::kIncident;
  return d;
}

Result<WebhookDelivery> opsgenie(element doc, int64_t now_ms) {
  WebhookDelivery d{"opsgenie", "", now_ms, {}};
  std::string action;
  if (auto s = required_text(doc, "action", "action", action); !s) return s.error();
  d.event.event = action;
  auto alert = object_at(doc, "alert", "alert");
  if (!alert) return alert.error();
  IncidentUpdate& i = d.event.incident;
  if (auto s = required_text(*alert, "alertId", "alert.alertId", i.id); !s) return s.error();
  if (auto s = read_epoch(*alert, "createdAt", "alert.createdAt", i.started_ms); !s)
    return s.error();
  int64_t updated = 0;
  if (auto s = read_epoch(*alert, "updatedAt", "alert.updatedAt", updated); !s) return s.error();
  if (action == "Close") i.resolved_ms = updated;
  // Opsgenie sends no delivery id: the alert, the action and its time are one.
  d.delivery_id = i.id + ":" + action + ":" + std::to_string(updated);
  d.event.kind = WebhookEvent::kIncident;
  return d;
}

}  // namespace

Result<WebhookDelivery> parse_generic_deployment(std::string_view body, int64_t now_ms) {
  simdjson::dom::parser parser;
  auto parsed = parse_object(parser, body);
  if (!parsed) return parsed.error();
  const element doc = *parsed;
  WebhookDelivery d{"generic", "", now_ms, {}};
  WebhookEvent& e = d.event;
  DeploymentUpdate& u = e.deployment;
  e.kind = WebhookEvent::kDeployment;
  if (auto s = required_text(doc, "id", "id", u.id); !s) return s.error();
  if (auto s = read_repo(doc, true, e.repo); !s) return s.error();
  if (auto s = required_text(doc, "environment", "environment", u.environment); !s)
    return s.error();
  if (auto s = read_sha(doc, "sha", "sha (40 hex digits)", false, u.sha); !s) return s.error();
  if (!u.sha.empty() && u.sha.size() != 40) return make_error("sha: not 40 hex digits");
  if (auto s = read_text(doc, "ref", "ref", u.ref); !s) return s.error();
  if (u.sha.empty() && u.ref.empty()) return make_error("sha or ref: one is required");
  if (auto s = required_text(doc, "status", "status", u.state); !s) return s.error();
  static constexpr std::string_view kStates[] = {"queued",  "pending", "in_progress", "success",
                                                 "failure", "error",   "inactive"};
  if (std::find(std::begin(kStates), std::end(kStates), u.state) == std::end(kStates))
    return make_error("status '" + u.state +
                      "' is not one of queued, pending, in_progress, success, failure, error, "
                      "inactive");
  if (auto s = read_time(doc, "at", "at (the time of this status)", true, u.state_ms); !s)
    return s.error();
  if (auto s = read_time(doc, "created_at", "created_at", false, u.created_ms); !s)
    return s.error();
  if (u.created_ms == 0) u.created_ms = u.state_ms;
  bool production = false;
  if (!doc["production"].get_bool().get(production)) u.production = production;
  e.event = "deployment." + u.state;
  d.delivery_id = "sha256:" + sha256_hex(body);  // a redelivery repeats the body
  return d;
}

Result<WebhookDelivery> parse_incident(std::string_view body, int64_t now_ms) {
  simdjson::dom::parser parser;
  auto parsed = parse_object(parser, body);
  if (!parsed) return parsed.error();
  const element doc = *parsed;
  element probe;
  if (!doc["event"].get(probe) && probe.is_object()) return pagerduty(doc, now_ms);
  if (!doc["alert"].get(probe) && probe.is_object()) return opsgenie(doc, now_ms);
  WebhookDelivery d{"generic", "", now_ms, {}};
  IncidentUpdate& i = d.event.incident;
  d.event.kind = WebhookEvent::kIncident;
  d.event.event = "incident";
  if (auto s = required_text(doc, "id", "id", i.id); !s) return s.error();
  if (auto s = read_repo(doc, false, d.event.repo); !s) return s.error();
  if (auto s = read_text(doc, "environment", "environment", i.environment); !s) return s.error();
  if (auto s = read_time(doc, "started_at", "started_at", true, i.started_ms); !s) return s.error();
  if (auto s = read_time(doc, "resolved_at", "resolved_at", false, i.resolved_ms); !s)
    return s.error();
  if (i.resolved_ms != 0 && i.resolved_ms < i.started_ms)
    return make_error("resolved_at is before started_at");
  d.delivery_id = "sha256:" + sha256_hex(body);
  return d;
}

HttpReply DeliveryEndpoint::store(Result<WebhookDelivery> parsed, const char* what) {
  if (!parsed)
    return {400, error_json(400, std::string("bad ") + what + ": " + parsed.error().message)};
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("event", parsed->event.event);
  if (parsed->event.kind == WebhookEvent::kIgnored) {
    w.field("ignored", true).end_object();
    return {200, out};
  }
  auto applied = store_.apply_webhook(*parsed);
  if (!applied)
    return {
        503,
        error_json(503, std::string("the ") + what + " was not stored: " + applied.error().message),
        5};
  w.field("source", parsed->source)
      .field("id", parsed->event.kind == WebhookEvent::kDeployment ? parsed->event.deployment.id
                                                                   : parsed->event.incident.id)
      .field("duplicate", applied->duplicate)
      .end_object();
  return {200, out};
}

HttpReply DeliveryEndpoint::deployment(const DeliveryRequest& request, int64_t now_ms) {
  if (secret_.empty())
    return {404, error_json(404,
                            "POST /v1/deployments is off; set delivery_secret_file in the "
                            "collector's configuration")};
  if (!hub_signature_valid(request.signature, secret_, request.body))
    return {401, error_json(401,
                            "missing or wrong X-Codepulse-Signature (sha256=<HMAC-SHA256 of "
                            "the body under the secret of delivery_secret_file>)")};
  return store(parse_generic_deployment(request.body, now_ms), "deployment");
}

HttpReply DeliveryEndpoint::incident(const DeliveryRequest& request, int64_t now_ms) {
  if (secret_.empty())
    return {404, error_json(404,
                            "POST /v1/incidents is off; set delivery_secret_file in the "
                            "collector's configuration")};
  if (!hub_signature_valid(request.signature, secret_, request.body) &&
      !pagerduty_signed(request.pagerduty_signature, secret_, request.body) &&
      !secret_equal(request.secret, secret_))
    return {401, error_json(401,
                            "missing or wrong signature: X-Codepulse-Signature "
                            "(sha256=<HMAC-SHA256 of the body under the secret of "
                            "delivery_secret_file>), X-PagerDuty-Signature (v1=<the same "
                            "HMAC>) or X-Codepulse-Secret (the secret itself)")};
  return store(parse_incident(request.body, now_ms), "incident");
}

}  // namespace codepulse::collector
