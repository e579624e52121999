// The weekly digest per team (docs/ALERTS.md "Weekly digest"): for the
// organisation and for each team of the people directory, the spend of one
// ISO week in the organisation's time zone, the change against the week
// before, the cost per merged pull request, the largest waste (the waste
// ledger's rules) and the largest anomalies. The alert source
// (collector/alert/digest_alerts.hpp) sends it; `digest show` prints it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/report/anomaly_rules.hpp"
#include "collector/report/waste_rules.hpp"
#include "collector/store/store.hpp"
#include "common/json_writer.hpp"
#include "common/tz.hpp"

namespace codepulse::collector {

// An ISO week (Monday to Sunday) in a time zone: its label ("2026-W49"),
// its first and last local day, and [since_ms, until_ms) in UTC.
struct DigestWeek {
  std::string label, first_day, last_day;
  int64_t since_ms = 0, until_ms = 0;
};
// The week holding the local day of `ms` in `tz`.
DigestWeek iso_week_at(int64_t ms, const TimeZone& tz);
// "2026-W49" (W01 to W52, or W53 in a year that has one). Errors name the
// text and the expected form.
Result<DigestWeek> parse_iso_week(std::string_view text, const TimeZone& tz);
// The week before `w`.
DigestWeek week_before(const DigestWeek& w, const TimeZone& tz);

struct DigestOptions {
  size_t top = 3;  // waste rules and anomalies listed
  WasteOptions waste;
  AnomalyOptions anomalies;
};

struct DigestWaste {
  std::string rule;  // waste_rule_name
  int64_t nanos = 0;
};

struct TeamDigest {
  std::string team;  // "" for the whole organisation
  std::string tz;    // the time zone's name
  DigestWeek week;
  int64_t spend_nanos = 0, previous_nanos = 0;  // org cost, this week and the week before
  int64_t merged_prs = 0;
  std::optional<int64_t> cost_per_merged_pr_nanos;  // none without a merged PR
  int64_t waste_nanos = 0;                          // the ledger's total (each record once)
  std::vector<DigestWaste> waste;                   // the rules with spend, largest first
  std::vector<Anomaly> anomalies;                   // the largest spend first, bursts last
};

// The digests of `week`: the organisation's first, then one per node of
// kind team of the people directory (by name). A team counts the records,
// pull requests, waste and anomalies of the people of its subtree on the
// record's (pull request's, anomaly's) UTC day. `now_ms` judges the waste
// rules that wait (a session not yet judged). Priced with the store's
// pricing in force. With `only`, that digest alone: "" the organisation's,
// else the node of that name (any case, any kind; an error when unknown).
Result<std::vector<TeamDigest>> team_digests(Store& store, const DigestWeek& week,
                                             const TimeZone& tz, int64_t now_ms,
                                             const DigestOptions& o,
                                             const std::string* only = nullptr);

// The change in percent, one decimal ("+12.5%", "-3.0%"), or "new" when
// the week before spent nothing and this one did, "0.0%" when neither.
std::string digest_change(const TeamDigest& d);
// "codepulse weekly digest: api, 2026-W49" (the organisation: "organisation").
std::string digest_title(const TeamDigest& d);
// The plain-text lines every receiver shows.
std::string digest_text(const TeamDigest& d);
// The JSON object: team, week, first_day, last_day, tz, spend_usd,
// previous_usd, change_percent, merged_prs, cost_per_merged_pr_usd,
// waste_usd, waste [{rule, usd}], anomalies [{kind, subject, day, unit,
// value, baseline, explanation}].
void write_digest_json(JsonWriter& w, const TeamDigest& d);
// "table" (the text under the title) or "json".
std::string render_digest(const TeamDigest& d, std::string_view format);

}  // namespace codepulse::collector
