#include "collector/ingest/jira_endpoint.hpp"

#include <openssl/crypto.h>

#include "collector/http/query_string.hpp"
#include "collector/ingest/jira_webhook.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {
namespace {

bool same_secret(std::string_view given, const std::string& secret) {
  return given.size() == secret.size() &&
         CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

}  // namespace

bool JiraEndpoint::secret_matches(std::string_view target, std::string_view secret_header) const {
  if (!secret_header.empty()) return same_secret(secret_header, secret_);
  const auto q = target.find('?');
  if (q == std::string_view::npos) return false;
  auto params = parse_query_string(target.substr(q + 1));
  if (!params) return false;
  for (const auto& [name, value] : *params)
    if (name == "secret") return same_secret(value, secret_);
  return false;
}

HttpReply JiraEndpoint::handle(std::string_view target, std::string_view secret_header,
                               std::string_view body) {
  if (secret_.empty())
    return {404, error_json(404,
                            "the Jira webhook is off; set jira_secret_file in the "
                            "collector's configuration")};
  if (!secret_matches(target, secret_header))
    return {401, error_json(401,
                            "wrong or missing webhook secret (the 'secret' URL parameter or the "
                            "X-Codepulse-Secret header)")};
  auto event = parse_jira_webhook(body, epic_link_field_, story_points_field_);
  if (!event) return {400, error_json(400, "bad Jira webhook: " + event.error().message)};
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("event", event->event);
  if (!event->used) {
    w.field("ignored", true).end_object();
    return {200, out};
  }
  auto changed = store_.upsert_tasks({event->task});
  if (!changed)
    return {503, error_json(503, "the event was not stored: " + changed.error().message), 5};
  if (event->incident) {
    // An Incident issue is also an incident (docs/DELIVERY.md); the issue and
    // the event's time name the delivery, so a redelivery changes nothing.
    WebhookDelivery d{"jira",
                      event->task.key + ":" + std::to_string(event->task.updated_ms),
                      event->task.updated_ms,
                      {}};
    d.event.kind = WebhookEvent::kIncident;
    d.event.event = event->event;
    d.event.incident = event->incident_times;
    auto applied = store_.apply_webhook(d);
    if (!applied)
      return {503, error_json(503, "the incident was not stored: " + applied.error().message), 5};
    w.field("incident", true);
  }
  w.field("issue", event->task.key)
      .field("epic", event->task.epic)
      .field("changed", *changed > 0)
      .end_object();
  return {200, out};
}

}  // namespace codepulse::collector
