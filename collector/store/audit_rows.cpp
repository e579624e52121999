// The audit log's rows (audit_rows.hpp).
#include "collector/store/audit_rows.hpp"

#include "common/text_controls.hpp"
#include "common/time.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// A bound of ?since= or ?until= (a day, or an ISO instant); a bare day of
// `until` counts whole (its end is the next day's start).
Result<int64_t> bound(const std::string& text, bool until) {
  const auto ms = parse_date_bound_ms(text, 0);
  if (!ms) return make_error("'" + text + "' is not a day (YYYY-MM-DD) or an ISO instant");
  return until && text.size() <= 10 ? *ms + kDayMs : *ms;
}

std::string clean(std::string_view s) {
  std::string out = replace_control_characters(replace_invalid_utf8(s));
  if (out.size() > kMaxAuditField) {
    size_t cut = kMaxAuditField - 3;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

}  // namespace

AuditEvent clean_audit_event(AuditEvent e) {
  e.actor = clean(e.actor);
  e.action = clean(e.action);
  e.target = clean(e.target);
  e.detail = clean(e.detail);
  return e;
}

AuditEvent read_audit_event(const RowView& row) {
  AuditEvent e;
  e.id = row.int64(0);
  e.at_ms = row.int64(1);
  e.actor = std::string(row.text(2));
  e.action = std::string(row.text(3));
  e.target = std::string(row.text(4));
  e.detail = std::string(row.text(5));
  return e;
}

Result<AuditQuery> audit_query(const std::optional<std::string>& since,
                               const std::optional<std::string>& until,
                               const std::optional<std::string>& actor) {
  AuditQuery q;
  if (since) {
    auto ms = bound(*since, false);
    if (!ms) return make_error("since: " + ms.error().message);
    q.since_ms = *ms;
  }
  if (until) {
    auto ms = bound(*until, true);
    if (!ms) return make_error("until: " + ms.error().message);
    q.until_ms = *ms;
  }
  if (q.until_ms <= q.since_ms) return make_error("until must be after since");
  q.actor = actor.value_or("");
  return q;
}

bool audit_actor_matches(const AuditQuery& query, std::string_view actor) {
  if (query.actor.empty() || actor == query.actor) return true;
  const size_t paren = actor.find(" (");
  return paren != std::string_view::npos && actor.substr(0, paren) == query.actor;
}

}  // namespace codepulse::collector
