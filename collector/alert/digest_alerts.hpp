// The weekly digest as an alert source (docs/ALERTS.md "Weekly digest"):
// once a week, on a weekday and hour of the organisation's time zone, the
// digest of the week before (collector/report/team_digest.hpp) for the
// organisation and for every team, each through the outbox under the dedupe
// key "digest:TEAM:YYYY-Www" ("digest::YYYY-Www" for the organisation): once
// per team and week across restarts and several collectors.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "collector/alert/alert_dispatcher.hpp"
#include "collector/report/team_digest.hpp"
#include "collector/store/alert_rows.hpp"

namespace codepulse::collector {

// How often serve looks whether a digest is due.
inline constexpr int64_t kDigestCheckMs = 300'000;

struct DigestSchedule {
  int weekday = 0;  // 0 = Monday ... 6 = Sunday
  int hour = 9;     // 0..23, local
  TimeZone tz = TimeZone::utc();
  DigestOptions options;
};

// "monday" .. "sunday" (any case) as 0..6.
std::optional<int> parse_weekday(std::string_view name);

// The week whose digest is due at `now_ms`: the latest week whose send time
// (the weekday and hour of the week after it, local) has come.
DigestWeek digest_due(const DigestSchedule& s, int64_t now_ms);

// "digest:api:2026-W49"; the organisation's: "digest::2026-W49".
std::string digest_dedupe_key(const TeamDigest& d);

// The alert of one digest: its title, text and JSON (write_digest_json) as
// details; source "digest".
AlertMessage digest_alert(const TeamDigest& d, int64_t now_ms);

// Nothing to say: no spend this week or the week before, no merged pull
// request, no waste, no anomaly. Such a digest is not sent.
bool digest_empty(const TeamDigest& d);

// The alerts of the digests of the week due at `now_ms` (the empty ones left out).
Result<std::vector<AlertMessage>> digest_alerts(Store& store, const DigestSchedule& s,
                                                int64_t now_ms);

// Adds the check to `d`: every `interval_ms`, the due week's digests are
// enqueued, worked out once per week a process sees (an alert already in the
// outbox is not enqueued again).
void watch_digests(AlertDispatcher& d, Store& store, const DigestSchedule& s, int64_t interval_ms);

}  // namespace codepulse::collector
