// The receivers alerts are delivered to (docs/ALERTS.md): a Slack incoming
// webhook, a Microsoft Teams incoming webhook (or Workflows webhook), and a
// generic HTTPS webhook whose body is HMAC-SHA256 signed. The Slack and
// Teams URLs carry their secret in the URL, so they are read from private
// files and never shown: errors and logs name the receiver and its host.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/net/https_client.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

enum class ReceiverKind { kSlack, kTeams, kWebhook };

// The receivers' settings (the alert_* keys of the collector's configuration).
struct AlertSettings {
  std::string slack_url_file;       // a private file (0600) holding the Slack webhook URL
  std::string teams_url_file;       // a private file holding the Teams webhook URL
  std::string webhook_url;          // the generic webhook's URL
  std::string webhook_secret_file;  // a private file holding its signing secret
  std::string ca_file;              // empty: the system's trusted CAs
  int64_t timeout_ms = 10'000;      // each step of one request
  int64_t retry_base_ms = 30'000;   // the first wait after a failure; doubled after each
  int64_t retry_max_ms = 3'600'000;
  int64_t max_attempts = 10;  // then the delivery has failed for good
  int64_t poll_ms = 5'000;    // how often the outbox is looked at for due rows
  bool any() const {
    return !slack_url_file.empty() || !teams_url_file.empty() || !webhook_url.empty();
  }
};

struct AlertReceiver {
  std::string name;  // "slack", "teams", "webhook": the outbox's receiver column
  ReceiverKind kind = ReceiverKind::kWebhook;
  HttpsEndpoint endpoint;  // the URL's path and query are its base_path
  ClientTls tls;
  std::string secret;  // the webhook's signing secret ("" for Slack and Teams)
  bool url_is_secret = false;
  std::string display() const;  // "slack (hooks.slack.com)": the name and host only
  // `text` with the secrets (the URL's path, the signing secret) replaced,
  // and control characters escaped: for errors and logs.
  std::string scrub(std::string_view text) const;
};

// The configured receivers, their files read (private files only: refused,
// saying why, when group or others may read them) and their URLs checked.
// Errors name the setting and the file, never a URL read from a file.
Result<std::vector<AlertReceiver>> load_receivers(const AlertSettings& s);

// The names of `receivers`, in order.
std::vector<std::string> receiver_names(const std::vector<AlertReceiver>& receivers);

}  // namespace codepulse::collector
