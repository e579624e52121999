#include "collector/ingest/repo_webhook_endpoint.hpp"

#include "collector/ingest/bitbucket_webhook.hpp"
#include "collector/ingest/github_webhook.hpp"
#include "collector/ingest/webhook_json.hpp"
#include "collector/ingest/webhook_signature.hpp"
#include "common/hashing.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxDeliveryId = 128;

// The delivery's id: the vendor's header; without one (Bitbucket leaves it
// out of some deliveries), the hook and a hash of the body, which a
// redelivery repeats byte for byte.
Result<std::string> delivery_id_of(const RepoWebhookSource& source,
                                   const RepoWebhookRequest& request) {
  if (!request.delivery.empty()) {
    if (request.delivery.size() > kMaxDeliveryId || !webhook_json::plain(request.delivery))
      return make_error(std::string(source.delivery_header) +
                        " is over 128 characters or has control characters");
    return std::string(request.delivery);
  }
  if (request.hook.size() > kMaxDeliveryId || !webhook_json::plain(request.hook))
    return make_error(std::string(source.hook_header) +
                      " is over 128 characters or has control characters");
  return std::string(request.hook) + (request.hook.empty() ? "" : ":") +
         "sha256:" + sha256_hex(request.body);
}

}  // namespace

const RepoWebhookSource& github_webhook_source() {
  static const RepoWebhookSource source{"github",
                                        "GitHub",
                                        "github_secret_file",
                                        "X-GitHub-Event",
                                        "X-GitHub-Delivery",
                                        nullptr,
                                        "X-Hub-Signature-256",
                                        &parse_github_webhook};
  return source;
}

const RepoWebhookSource& bitbucket_webhook_source() {
  static const RepoWebhookSource source{
      "bitbucket",      "Bitbucket",   "bitbucket_secret_file", "X-Event-Key",
      "X-Request-UUID", "X-Hook-UUID", "X-Hub-Signature",       &parse_bitbucket_webhook};
  return source;
}

HttpReply RepoWebhookEndpoint::handle(const RepoWebhookRequest& request, int64_t now_ms) {
  const std::string vendor = source_.vendor;
  if (secret_.empty())
    return {404, error_json(404, "the " + vendor + " webhook is off; set " +
                                     source_.secret_setting + " in the collector's configuration")};
  if (!hub_signature_valid(request.signature, secret_, request.body))
    return {401, error_json(401, std::string("missing or wrong ") + source_.signature_header +
                                     " (sha256=<HMAC-SHA256 of the body under the secret of " +
                                     source_.secret_setting + ">)")};
  auto event = source_.parse(request.event, request.body, rules_);
  if (!event) return {400, error_json(400, "bad " + vendor + " webhook: " + event.error().message)};
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("event", event->event);
  if (event->kind == WebhookEvent::kIgnored) {
    w.field("ignored", true).end_object();
    return {200, out};
  }
  auto id = delivery_id_of(source_, request);
  if (!id) return {400, error_json(400, "bad " + vendor + " webhook: " + id.error().message)};
  WebhookDelivery delivery{source_.name, std::move(id).value(), now_ms, std::move(event).value()};
  auto applied = store_.apply_webhook(delivery);
  if (!applied)
    return {503, error_json(503, "the event was not stored: " + applied.error().message), 5};
  w.field("delivery", delivery.delivery_id).field("duplicate", applied->duplicate);
  if (!applied->duplicate) {
    w.field("commits_new", applied->commits_new).field("reviews_new", applied->reviews_new);
    if (applied->pull_request) w.field("pull_request", delivery.event.pull_request.number);
    if (applied->deployment) w.field("deployment", delivery.event.deployment.id);
  }
  w.end_object();
  return {200, out};
}

}  // namespace codepulse::collector
