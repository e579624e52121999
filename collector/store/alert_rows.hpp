// Alerts as the store keeps them (table alert_outbox, docs/ALERTS.md): one
// row per alert and receiver, enqueued once by the alert's dedupe key, then
// claimed under a lease, sent, and finished as delivered or failed (or put
// back for a retry). Any alert source (reconcile gaps today; budgets,
// anomalies and digests later) enqueues an AlertMessage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/row_view.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// What an alert says, the same for every receiver.
struct AlertMessage {
  // Says which crossing this is, so that it is delivered once: the source,
  // its scope, the threshold and the period ("reconcile_gap:anthropic:
  // 2026-11:usd=100").
  std::string dedupe_key;
  std::string source;   // "reconcile_gap", "test", ...
  std::string title;    // one line
  std::string text;     // a few lines, plain text
  std::string details;  // a JSON object of the source's figures ("{}" when none)
  int64_t created_ms = 0;
  bool operator==(const AlertMessage&) const = default;
};

enum class AlertState { kPending, kDelivered, kFailed };
const char* alert_state_name(AlertState s);  // "pending", "delivered", "failed"
std::optional<AlertState> parse_alert_state(std::string_view name);

// One row of the outbox: an alert for one receiver and where its delivery is.
struct AlertDelivery {
  AlertMessage alert;
  std::string receiver;  // the receiver's name ("slack", "teams", "webhook")
  AlertState state = AlertState::kPending;
  int64_t attempts = 0;         // requests sent so far
  int64_t next_attempt_ms = 0;  // pending: not before
  std::string lease_owner;      // "" when no collector holds it
  int64_t lease_until_ms = 0;   // a lease past this is free to take
  std::string last_error;       // of the last failed attempt ("" when none)
  int64_t last_status = 0;      // HTTP status of the last answer (0: none)
  int64_t finished_ms = 0;      // delivered or failed at (0 while pending)
  bool operator==(const AlertDelivery&) const = default;
};

// How a claimed delivery ended: delivered, failed for good, or pending
// again from next_attempt_ms.
struct AlertFinish {
  AlertState state = AlertState::kPending;
  int64_t attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
  int64_t last_status = 0;
  int64_t at_ms = 0;
};

// Bounds an alert is checked against before it is enqueued.
inline constexpr size_t kMaxAlertKey = 512;
inline constexpr size_t kMaxAlertTitle = 300;
inline constexpr size_t kMaxAlertText = 4000;
inline constexpr size_t kMaxAlertDetails = 16000;
inline constexpr size_t kMaxAlertError = 500;

// A key, source and title present and of bounded length, a text and
// details of bounded length, at least one receiver, each named plainly.
Status check_alert(const AlertMessage& a, const std::vector<std::string>& receivers);

// Rows as the stores read them (alert_sql.hpp selects this column order).
Result<AlertDelivery> read_alert_delivery(const RowView& row);

}  // namespace codepulse::collector
