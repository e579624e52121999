// POST /v1/webhooks/jira: checks the shared secret (the `secret` URL
// parameter, which is what a Jira Cloud webhook can carry, or the
// X-Codepulse-Secret header) in constant time, parses the event
// (jira_webhook.hpp) and stores the task. A replayed or late event changes
// nothing: a task keeps the newest event's version.
#pragma once

#include <string>
#include <string_view>

#include "collector/ingest/batch_endpoint.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

class JiraEndpoint {
 public:
  // An empty secret turns the endpoint off (404 saying how to turn it on).
  JiraEndpoint(Store& store, std::string secret, std::string epic_link_field,
               std::string story_points_field)
      : store_(store),
        secret_(std::move(secret)),
        epic_link_field_(std::move(epic_link_field)),
        story_points_field_(std::move(story_points_field)) {}

  // `target` is the request target (path and query).
  HttpReply handle(std::string_view target, std::string_view secret_header, std::string_view body);

 private:
  bool secret_matches(std::string_view target, std::string_view secret_header) const;

  Store& store_;
  const std::string secret_, epic_link_field_, story_points_field_;
};

}  // namespace codepulse::collector
