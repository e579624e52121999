// Bitbucket Cloud webhook events (POST /v1/webhooks/bitbucket), read into
// what the outcome metrics need (collector/store/webhook_event.hpp), from the
// payloads Atlassian documents ("Event payloads"):
// - repo:push: each branch change's commits (hash, date, the email of
//   author.raw "Name <email>") and its new head; tags are ignored;
// - pullrequest:created, updated, fulfilled (merged), rejected (declined);
// - pullrequest:approved, unapproved, changes_request_created: reviews.
// Titles, descriptions and commit messages are never kept: a title gives its
// task keys only. Other event keys are acknowledged and ignored.
#pragma once

#include <string_view>

#include "collector/ingest/commit_message_facts.hpp"
#include "collector/store/webhook_event.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// `event_key` is the X-Event-Key header. Errors say what is wrong (for a 400).
// Pushed commits' messages and parents give their facts under `rules`
// (commit_message_facts.hpp).
Result<WebhookEvent> parse_bitbucket_webhook(std::string_view event_key, std::string_view body,
                                             const MessageRules& rules = {});

}  // namespace codepulse::collector
