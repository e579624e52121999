// The weekly digest per team (team_digest.hpp).
#include "collector/report/team_digest.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "collector/report/anomaly_report.hpp"
#include "collector/report/store_report.hpp"
#include "collector/report/team_scope.hpp"
#include "collector/report/waste_report.hpp"
#include "collector/store/provider_rows.hpp"
#include "common/ascii.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/people_timeline.hpp"
#include "common/text_controls.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t weekday(int64_t day) {  // 0 = Monday; 1970-01-01 was a Thursday
  return ((day + 3) % 7 + 7) % 7;
}

// ISO week label of the week whose Monday is `monday`.
std::string label_of(int64_t monday) {
  const CivilDate thursday = civil_from_days(monday + 3);
  const int64_t jan1 = days_from_civil({thursday.year, 1, 1});
  const int64_t week = (monday + 3 - jan1) / 7 + 1;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-W%02lld", thursday.year, static_cast<long long>(week));
  return buf;
}

DigestWeek week_from_monday(int64_t monday, const TimeZone& tz) {
  DigestWeek w;
  w.label = label_of(monday);
  w.first_day = format_date(civil_from_days(monday));
  w.last_day = format_date(civil_from_days(monday + 6));
  w.since_ms = tz.local_day_start_utc(civil_from_days(monday)) * 1000;
  w.until_ms = tz.local_day_start_utc(civil_from_days(monday + 7)) * 1000;
  return w;
}

int64_t monday_of(const DigestWeek& w) {
  return *day_start_ms(w.first_day) / kDayMs;
}

std::string usd(int64_t nanos) {
  return "$" + format_usd(nanos, 2);
}

// The spend of a node and its merged pull requests: a team's are the sums
// over the report's team nodes in its subtree; the organisation's the root's.
struct Spend {
  int64_t nanos = 0, merged_prs = 0;
};
Spend spend_of(const report::Report& r, const std::set<std::string>* subtree) {
  if (!subtree)
    return {r.root.metrics.cost(report::CostBasis::kOrg), r.root.metrics.outcomes.merged_prs};
  Spend s;
  for (const report::ReportNode& n : r.root.children)
    if (subtree->count(ascii_lower(n.key))) {
      s.nanos += n.metrics.cost(report::CostBasis::kOrg);
      s.merged_prs += n.metrics.outcomes.merged_prs;
    }
  return s;
}

Result<report::Report> week_report(Store& store, const DigestWeek& w, const TimeZone& tz,
                                   bool outcomes) {
  report::ReportQuery q;
  q.group_by = {report::Dimension::kTeam};
  q.since_ms = w.since_ms;
  q.until_ms = w.until_ms;
  q.tz = tz;
  q.outcomes = outcomes;
  return build_report(store, q);
}

bool anomaly_before(const Anomaly& a, const Anomaly& b) {
  const bool a_usd = a.kind != "request_burst", b_usd = b.kind != "request_burst";
  if (a_usd != b_usd) return a_usd;
  if (a.value != b.value) return a.value > b.value;
  return std::tie(a.day, a.kind, a.subject) < std::tie(b.day, b.kind, b.subject);
}

}  // namespace

DigestWeek iso_week_at(int64_t ms, const TimeZone& tz) {
  const int64_t local_ms = ms + static_cast<int64_t>(tz.offset_at(floor_div(ms, 1000))) * 1000;
  const int64_t day = floor_div(local_ms, kDayMs);
  return week_from_monday(day - weekday(day), tz);
}

Result<DigestWeek> parse_iso_week(std::string_view text, const TimeZone& tz) {
  auto bad = [&] {
    return make_error("a week must be an ISO week like 2026-W49 (W01 to W53), got '" +
                      replace_control_characters(std::string(text)) + "'");
  };
  if (text.size() != 8 || text[4] != '-' || (text[5] != 'W' && text[5] != 'w')) return bad();
  for (size_t i = 0; i < text.size(); ++i)
    if (i != 4 && i != 5 && (text[i] < '0' || text[i] > '9')) return bad();
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const int week = std::stoi(std::string(text.substr(6, 2)));
  if (year < 1971 || week < 1 || week > 53) return bad();
  const int64_t jan4 = days_from_civil({year, 1, 4});
  const int64_t monday = jan4 - weekday(jan4) + (week - 1) * 7;
  // W53 of a year with 52 weeks is W01 of the next: refused.
  if (label_of(monday) != std::string(text.substr(0, 5)) + "W" + std::string(text.substr(6)))
    return make_error("the week '" + std::string(text) +
                      "' does not exist: " + std::to_string(year) + " has 52 ISO weeks");
  return week_from_monday(monday, tz);
}

DigestWeek week_before(const DigestWeek& w, const TimeZone& tz) {
  return week_from_monday(monday_of(w) - 7, tz);
}

Result<std::vector<TeamDigest>> team_digests(Store& store, const DigestWeek& week,
                                             const TimeZone& tz, int64_t now_ms,
                                             const DigestOptions& o, const std::string* only) {
  auto people = store.load_people();
  if (!people) return people.error();
  std::vector<std::string> teams;
  if (only && !only->empty()) {
    for (const TeamRow& t : people->teams)
      if (iequals(t.name, *only)) teams.push_back(t.name);
    if (teams.empty())
      return make_error("the people directory has no team '" + replace_control_characters(*only) +
                        "' (codepulse-collector people list shows the teams)");
  } else if (!only) {
    for (const TeamRow& t : people->teams)
      if (t.kind == TeamKind::kTeam) teams.push_back(t.name);
    std::sort(teams.begin(), teams.end());
  }
  auto timeline = store_people(store);
  if (!timeline) return timeline.error();
  auto now = week_report(store, week, tz, true);
  if (!now) return now.error();
  auto before = week_report(store, week_before(week, tz), tz, false);
  if (!before) return before.error();
  report::ReportQuery wq;
  wq.group_by = {report::Dimension::kTeam};
  wq.since_ms = week.since_ms;
  wq.until_ms = week.until_ms;
  wq.tz = tz;
  auto ledger = waste_ledger(store, wq, o.waste, now_ms);
  if (!ledger) return ledger.error();
  auto anomalies = store_anomalies(store, week.since_ms, week.until_ms, o.anomalies);
  if (!anomalies) return anomalies.error();

  std::vector<TeamDigest> out;
  auto make = [&](const std::string& team) {
    const std::set<std::string> subtree =
        team.empty() ? std::set<std::string>{} : team_subtree(*people, team);
    const std::set<std::string>* in = team.empty() ? nullptr : &subtree;
    TeamDigest d;
    d.team = team;
    d.tz = tz.name();
    d.week = week;
    const Spend s = spend_of(*now, in);
    d.spend_nanos = s.nanos;
    d.merged_prs = s.merged_prs;
    if (s.merged_prs > 0) d.cost_per_merged_pr_nanos = s.nanos / s.merged_prs;
    d.previous_nanos = spend_of(*before, in).nanos;
    d.waste_nanos = spend_of(ledger->total, in).nanos;
    for (size_t i = 0; i < kWasteRuleCount; ++i)
      if (const int64_t n = spend_of(ledger->rules[i], in).nanos; n > 0)
        d.waste.push_back({waste_rule_name(static_cast<WasteRule>(i)), n});
    std::stable_sort(d.waste.begin(), d.waste.end(),
                     [](const DigestWaste& a, const DigestWaste& b) { return a.nanos > b.nanos; });
    if (d.waste.size() > o.top) d.waste.resize(o.top);
    for (const Anomaly& a : *anomalies) {
      bool mine = team.empty();
      const int64_t day = *day_start_ms(a.day) / kDayMs;
      for (const std::string& author : a.authors)
        mine |= !team.empty() &&
                subtree.count(ascii_lower((*timeline)->key(report::Dimension::kTeam, author, day)));
      if (mine) d.anomalies.push_back(a);
    }
    std::sort(d.anomalies.begin(), d.anomalies.end(), anomaly_before);
    if (d.anomalies.size() > o.top) d.anomalies.resize(o.top);
    out.push_back(std::move(d));
  };
  if (!only || only->empty()) make("");
  for (const std::string& t : teams)
    make(t);
  return out;
}

std::string digest_change(const TeamDigest& d) {
  if (d.previous_nanos == 0) return d.spend_nanos == 0 ? "0.0%" : "new";
  const double pct = 100.0 * static_cast<double>(d.spend_nanos - d.previous_nanos) /
                     static_cast<double>(d.previous_nanos);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", pct);
  return buf;
}

std::string digest_title(const TeamDigest& d) {
  return "codepulse weekly digest: " + (d.team.empty() ? std::string("organisation") : d.team) +
         ", " + d.week.label;
}

std::string digest_text(const TeamDigest& d) {
  std::string t = "Spend " + usd(d.spend_nanos) + " (organisation cost) from " + d.week.first_day +
                  " to " + d.week.last_day + " (" + d.tz + "); the week before " +
                  usd(d.previous_nanos) + " (" + digest_change(d) + ").\n";
  t += "Merged pull requests: " + std::to_string(d.merged_prs) +
       (d.cost_per_merged_pr_nanos ? ", " + usd(*d.cost_per_merged_pr_nanos) + " per merged PR"
                                   : std::string(", no cost per merged PR")) +
       ".\n";
  t += "Waste: " + usd(d.waste_nanos);
  if (d.waste.empty()) t += ".\n";
  for (size_t i = 0; i < d.waste.size(); ++i)
    t += (i == 0 ? "; most in " : ", ") + d.waste[i].rule + " " + usd(d.waste[i].nanos) +
         (i + 1 == d.waste.size() ? ".\n" : "");
  if (d.anomalies.empty())
    t += "Anomalies: none.\n";
  else
    t += "Anomalies:\n";
  for (const Anomaly& a : d.anomalies)
    t += "- " + a.explanation + "\n";
  t += "See: codepulse-collector digest show " +
       (d.team.empty() ? std::string() : "--team '" + d.team + "' ") + "--week " + d.week.label;
  return t;
}

void write_digest_json(JsonWriter& w, const TeamDigest& d) {
  w.begin_object();
  w.key("team");
  if (d.team.empty())
    w.null();
  else
    w.value(d.team);
  w.field("week", d.week.label)
      .field("first_day", d.week.first_day)
      .field("last_day", d.week.last_day)
      .field("tz", d.tz)
      .key("spend_usd")
      .raw_number(format_usd(d.spend_nanos, 6))
      .key("previous_usd")
      .raw_number(format_usd(d.previous_nanos, 6))
      .key("change_percent");
  if (d.previous_nanos == 0) {
    w.null();
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f",
                  100.0 * static_cast<double>(d.spend_nanos - d.previous_nanos) /
                      static_cast<double>(d.previous_nanos));
    w.raw_number(buf);
  }
  w.field("merged_prs", d.merged_prs).key("cost_per_merged_pr_usd");
  if (d.cost_per_merged_pr_nanos)
    w.raw_number(format_usd(*d.cost_per_merged_pr_nanos, 6));
  else
    w.null();
  w.key("waste_usd").raw_number(format_usd(d.waste_nanos, 6));
  w.key("waste").begin_array();
  for (const DigestWaste& x : d.waste)
    w.begin_object()
        .field("rule", x.rule)
        .key("usd")
        .raw_number(format_usd(x.nanos, 6))
        .end_object();
  w.end_array();
  w.key("anomalies").begin_array();
  for (const Anomaly& a : d.anomalies) {
    const bool burst = a.kind == "request_burst";
    w.begin_object()
        .field("kind", a.kind)
        .field("subject", a.subject)
        .field("day", a.day)
        .field("unit", burst ? "requests" : "usd");
    if (burst)
      w.field("value", a.value).field("baseline", a.baseline);
    else
      w.key("value")
          .raw_number(format_usd(a.value, 6))
          .key("baseline")
          .raw_number(format_usd(a.baseline, 6));
    w.field("explanation", a.explanation).end_object();
  }
  w.end_array();
  w.end_object();
}

std::string render_digest(const TeamDigest& d, std::string_view format) {
  if (format == "json") {
    std::string out;
    JsonWriter w(out);
    write_digest_json(w, d);
    return out + "\n";
  }
  return digest_title(d) + "\n" + digest_text(d) + "\n";
}

}  // namespace codepulse::collector
