// GitHub webhook events (POST /v1/webhooks/github), read into what the
// outcome metrics need (collector/store/webhook_event.hpp): pushes (commits
// with their author email and time), pull requests (opened, ready for review,
// synchronized, edited, converted to draft, closed or merged, reopened) and
// submitted reviews. Messages, titles, bodies and diffs are never kept: a
// title gives its task keys only. Other events and actions are acknowledged
// and ignored.
#pragma once

#include <string_view>

#include "collector/ingest/commit_message_facts.hpp"
#include "collector/store/webhook_event.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// `event` is the X-GitHub-Event header. Errors say what is wrong (for a 400).
// Deployments (docs/DELIVERY.md): deployment and deployment_status events
// (action "created"), and published releases. Pushed commits' messages give
// their facts under `rules` (commit_message_facts.hpp).
Result<WebhookEvent> parse_github_webhook(std::string_view event, std::string_view body,
                                          const MessageRules& rules = {});

}  // namespace codepulse::collector
