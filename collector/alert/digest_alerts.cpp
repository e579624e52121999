// The weekly digest alert source (digest_alerts.hpp).
#include "collector/alert/digest_alerts.hpp"

#include <array>
#include <memory>
#include <string>

#include "collector/store/provider_rows.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

}  // namespace

std::optional<int> parse_weekday(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  const std::string low = ascii_lower(name);
  for (size_t i = 0; i < kNames.size(); ++i)
    if (low == kNames[i]) return static_cast<int>(i);
  return std::nullopt;
}

DigestWeek digest_due(const DigestSchedule& s, int64_t now_ms) {
  const DigestWeek current = iso_week_at(now_ms, s.tz);
  const DigestWeek last = week_before(current, s.tz);
  // The send time of `last`'s digest: the weekday and hour of the current week.
  const int64_t send_day = *day_start_ms(current.first_day) / kDayMs + s.weekday;
  const int64_t send_ms =
      s.tz.local_day_start_utc(civil_from_days(send_day)) * 1000 + int64_t{s.hour} * 3'600'000;
  return now_ms >= send_ms ? last : week_before(last, s.tz);
}

bool digest_empty(const TeamDigest& d) {
  return d.spend_nanos == 0 && d.previous_nanos == 0 && d.merged_prs == 0 && d.waste_nanos == 0 &&
         d.anomalies.empty();
}

std::string digest_dedupe_key(const TeamDigest& d) {
  return "digest:" + d.team + ":" + d.week.label;
}

AlertMessage digest_alert(const TeamDigest& d, int64_t now_ms) {
  AlertMessage m;
  m.dedupe_key = digest_dedupe_key(d);
  m.source = "digest";
  m.title = digest_title(d);
  m.text = digest_text(d);
  JsonWriter w(m.details);
  write_digest_json(w, d);
  m.created_ms = now_ms;
  return m;
}

Result<std::vector<AlertMessage>> digest_alerts(Store& store, const DigestSchedule& s,
                                                int64_t now_ms) {
  const DigestWeek week = digest_due(s, now_ms);
  auto digests = team_digests(store, week, s.tz, now_ms, s.options);
  if (!digests) return digests.error();
  std::vector<AlertMessage> out;
  for (const TeamDigest& d : *digests)
    if (!digest_empty(d)) out.push_back(digest_alert(d, now_ms));
  return out;
}

void watch_digests(AlertDispatcher& d, Store& store, const DigestSchedule& s, int64_t interval_ms) {
  // The week last worked out by this process: the digests are computed once
  // a week, not at every check (enqueueing them again would change nothing).
  // Only the check's thread touches it.
  auto done = std::make_shared<std::string>();
  d.add_check(
      "digests",
      [&d, &store, s, done](int64_t now_ms) -> Status {
        const std::string due = digest_due(s, now_ms).label;
        if (*done == due) return {};
        auto alerts = digest_alerts(store, s, now_ms);
        if (!alerts) return alerts.error();
        for (const AlertMessage& a : *alerts)
          if (auto added = d.enqueue(a); !added) return added.error();
        *done = due;  // every digest of the week is in the outbox
        return {};
      },
      interval_ms);
}

}  // namespace codepulse::collector
