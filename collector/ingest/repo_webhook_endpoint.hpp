// POST /v1/webhooks/github and POST /v1/webhooks/bitbucket: the repository
// hosts' webhooks. Each checks the body's HMAC-SHA256 signature ("sha256=<hex>"
// in X-Hub-Signature-256, or Bitbucket Cloud's X-Hub-Signature) under its
// secret in constant time, parses the event (github_webhook.hpp,
// bitbucket_webhook.hpp) and applies it with its delivery id
// (Store::apply_webhook), so a redelivery changes nothing.
#pragma once

#include <string>
#include <string_view>

#include "collector/ingest/batch_endpoint.hpp"
#include "collector/ingest/commit_message_facts.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// One vendor's webhook: its names, headers and parser.
struct RepoWebhookSource {
  const char* name;              // "github": WebhookDelivery::source
  const char* vendor;            // "GitHub", for messages
  const char* secret_setting;    // "github_secret_file"
  const char* event_header;      // X-GitHub-Event, X-Event-Key
  const char* delivery_header;   // X-GitHub-Delivery, X-Request-UUID
  const char* hook_header;       // Bitbucket's X-Hook-UUID; nullptr for GitHub
  const char* signature_header;  // X-Hub-Signature-256, X-Hub-Signature
  Result<WebhookEvent> (*parse)(std::string_view event, std::string_view body,
                                const MessageRules& rules);
};

const RepoWebhookSource& github_webhook_source();
const RepoWebhookSource& bitbucket_webhook_source();

// What the endpoint reads of a request: the source's headers and the body.
struct RepoWebhookRequest {
  std::string_view event, delivery, hook, signature, body;
};

class RepoWebhookEndpoint {
 public:
  // An empty secret turns the endpoint off (404 saying how to turn it on).
  // `rules`: what makes a pushed commit a hotfix (hotfix_message_patterns).
  RepoWebhookEndpoint(Store& store, const RepoWebhookSource& source, std::string secret,
                      MessageRules rules = {})
      : store_(store), source_(source), secret_(std::move(secret)), rules_(std::move(rules)) {}

  const RepoWebhookSource& source() const { return source_; }
  // 200 with what was stored, or {"duplicate":true}, or {"ignored":true}; 401
  // bad or missing signature; 400 unreadable event; 503 store failure (the
  // vendor delivers again).
  HttpReply handle(const RepoWebhookRequest& request, int64_t now_ms);

 private:
  Store& store_;
  const RepoWebhookSource& source_;
  const std::string secret_;
  const MessageRules rules_;
};

}  // namespace codepulse::collector
