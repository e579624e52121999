// What each receiver is sent (docs/ALERTS.md documents every shape): a
// Slack message (plain-text blocks, so nothing in an alert is read as
// markup or a mention), a Teams message with an Adaptive Card, and the
// generic webhook's JSON with its HMAC-SHA256 signature over the
// timestamp and the body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/alert/alert_receivers.hpp"
#include "collector/store/alert_rows.hpp"

namespace codepulse::collector {

// The Slack body: {"text": ..., "blocks": [header, section, context]}.
std::string slack_body(const AlertMessage& a);
// The Teams body: {"type": "message", "attachments": [an Adaptive Card]}.
std::string teams_body(const AlertMessage& a);
// The generic webhook's body: {"version": 1, "id", "source", "title",
// "text", "created_at", "details": {...}}.
std::string webhook_body(const AlertMessage& a);

// "sha256=" + hex HMAC-SHA256 under `secret` of `timestamp` "." `body`.
std::string alert_signature(std::string_view secret, std::string_view timestamp,
                            std::string_view body);

// The id a receiver can dedupe on: hex SHA-256 of the dedupe key, a newline
// and the receiver's name (the same for every attempt of one delivery).
std::string delivery_id(const AlertMessage& a, const std::string& receiver);

// The request for `receiver`: its body and headers, signed as of `now_ms`
// for the generic webhook (X-Codepulse-Timestamp, X-Codepulse-Signature).
HttpRequest alert_request(const AlertReceiver& receiver, const AlertMessage& a, int64_t now_ms);

}  // namespace codepulse::collector
