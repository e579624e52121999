// The audit log as the store keeps it (docs/SECURITY.md, "Audit log"): who
// viewed or exported what and when, who changed people, prices, budgets,
// seats or tokens, SCIM's changes and single sign-on logins. An event names
// its actor, an action ("report.view", "people.replace", "token.create",
// ...), its target and a short summary; never a secret (a token's value, a
// session id, a password).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collector/store/row_view.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct AuditEvent {
  int64_t id = 0;  // given by the store, in the order events were appended
  int64_t at_ms = 0;
  std::string actor;   // "admin@acme.example (admin token 3)", "scim okta (token 7)", "cli"
  std::string action;  // "report.view", "export.csv", "people.replace", "scim.user.create", ...
  std::string target;  // what it acted on: a path with its query, a person, a token id
  std::string detail;  // a summary of the change, without secrets
  bool operator==(const AuditEvent&) const = default;
};

// The events of a list or an export: at_ms in [since_ms, until_ms), and of
// one actor when `actor` is not "" (an exact match, or the part before " ("
// of the stored actor: "admin@acme.example" finds "admin@acme.example (admin
// token 3)").
struct AuditQuery {
  int64_t since_ms = 0;
  int64_t until_ms = INT64_MAX;
  std::string actor;
  size_t limit = 100'000;  // the most recent `limit` events of the range
};

inline constexpr size_t kMaxAuditField = 2000;

// The event as stored: each field plain text (control characters replaced)
// of at most kMaxAuditField bytes (longer ones cut, marked with "...").
AuditEvent clean_audit_event(AuditEvent e);
// The stored row (audit_sql.hpp's column order).
AuditEvent read_audit_event(const RowView& row);
// The query of ?since=/--since, ?until=/--until (a day "YYYY-MM-DD" or an
// ISO instant, UTC; a bare day of until counts whole) and ?actor=/--actor;
// an error names the bad bound.
Result<AuditQuery> audit_query(const std::optional<std::string>& since,
                               const std::optional<std::string>& until,
                               const std::optional<std::string>& actor);
// `event`'s actor matches `query`'s (see AuditQuery).
bool audit_actor_matches(const AuditQuery& query, std::string_view actor);

}  // namespace codepulse::collector
