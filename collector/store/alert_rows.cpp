// What every store makes of alerts: the checks before one is enqueued and
// the outbox rows read back (alert_rows.hpp).
#include "collector/store/alert_rows.hpp"

#include "common/text_controls.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

bool plain(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && find_control_character(s) == std::string_view::npos &&
         replace_invalid_utf8(s) == s;
}

bool utf8(std::string_view s, size_t max) {
  return s.size() <= max && replace_invalid_utf8(s) == s;
}

}  // namespace

const char* alert_state_name(AlertState s) {
  switch (s) {
    case AlertState::kPending:
      return "pending";
    case AlertState::kDelivered:
      return "delivered";
    case AlertState::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<AlertState> parse_alert_state(std::string_view name) {
  for (AlertState s : {AlertState::kPending, AlertState::kDelivered, AlertState::kFailed})
    if (name == alert_state_name(s)) return s;
  return std::nullopt;
}

Status check_alert(const AlertMessage& a, const std::vector<std::string>& receivers) {
  if (!plain(a.dedupe_key, kMaxAlertKey))
    return make_error("an alert's dedupe key must be plain text of 1 to " +
                      std::to_string(kMaxAlertKey) + " bytes");
  if (!plain(a.source, kMaxAlertTitle) || !plain(a.title, kMaxAlertTitle))
    return make_error("alert " + a.dedupe_key + ": source and title must be plain text of 1 to " +
                      std::to_string(kMaxAlertTitle) + " bytes");
  if (!utf8(a.text, kMaxAlertText) || !utf8(a.details, kMaxAlertDetails) || a.details.empty() ||
      a.details.front() != '{')
    return make_error("alert " + a.dedupe_key + ": a text of at most " +
                      std::to_string(kMaxAlertText) +
                      " bytes and details (a JSON object) of at most " +
                      std::to_string(kMaxAlertDetails) + " bytes, in UTF-8");
  if (receivers.empty()) return make_error("alert " + a.dedupe_key + ": no receiver to send it to");
  for (const std::string& r : receivers)
    if (!plain(r, 64))
      return make_error("alert " + a.dedupe_key + ": a receiver's name is not plain");
  return {};
}

Result<AlertDelivery> read_alert_delivery(const RowView& row) {
  AlertDelivery d;
  d.alert.dedupe_key = std::string(row.text(0));
  d.alert.source = std::string(row.text(1));
  d.alert.title = std::string(row.text(2));
  d.alert.text = std::string(row.text(3));
  d.alert.details = std::string(row.text(4));
  d.alert.created_ms = row.int64(5);
  d.receiver = std::string(row.text(6));
  const auto state = parse_alert_state(row.text(7));
  if (!state)
    return make_error("alert " + d.alert.dedupe_key + " has an unknown state '" +
                      std::string(row.text(7)) + "'");
  d.state = *state;
  d.attempts = row.int64(8);
  d.next_attempt_ms = row.int64(9);
  d.lease_owner = std::string(row.text(10));
  d.lease_until_ms = row.int64(11);
  d.last_error = std::string(row.text(12));
  d.last_status = row.int64(13);
  d.finished_ms = row.int64(14);
  return d;
}

}  // namespace codepulse::collector
