// The anomalies of a store (anomaly_report.hpp).
#include "collector/report/anomaly_report.hpp"

#include "collector/report/store_report.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/output_sinks.hpp"

namespace codepulse::collector {

namespace {

constexpr int64_t kDayMs = 86'400'000;

// Money kinds carry nano-dollars; a burst counts requests.
bool is_money(const Anomaly& a) {
  return a.kind != "request_burst";
}

std::string value_text(const Anomaly& a, int64_t v) {
  return is_money(a) ? format_usd(v) : std::to_string(v);
}

}  // namespace

Result<std::vector<Anomaly>> store_anomalies(Store& store, int64_t since_ms, int64_t until_ms,
                                             const AnomalyOptions& o,
                                             std::shared_ptr<const Pricer> pricer,
                                             const report::ReportAccess& access) {
  if (!pricer) {
    auto loaded = store_pricer(store);
    if (!loaded) return loaded.error();
    pricer = std::move(loaded).value();
  }
  // The baselines: the trailing window before the range's first day, and the
  // week before for the main model of the range's first week.
  const int64_t history = (o.trailing_days + 8) * kDayMs;
  const int64_t from = since_ms > INT64_MIN + history ? since_ms - history : INT64_MIN;
  std::shared_ptr<const report::PeopleTimeline> people;
  if (!access.scope.whole()) {
    auto loaded = store_people(store);
    if (!loaded) return loaded.error();
    people = std::move(loaded).value();
  }
  const report::ScopeMatcher scope(access.scope, people.get());
  std::vector<report::UsageFact> facts;
  report::EpicMap epics;
  if (auto s = store.read_usage(from, until_ms, false, epics,
                                [&facts, &scope](const report::UsageFact& f) {
                                  if (scope.allows(f.author, report::utc_day_of(f.ts_ms)))
                                    facts.push_back(f);
                                  return true;
                                });
      !s)
    return s.error();
  auto commits = store.load_commits(since_ms, until_ms);
  if (!commits) return commits.error();
  std::erase_if(commits->commits, [&scope](const CommitRecord& c) {
    return !scope.allows(c.author_email, report::utc_day_of(c.committer_ms));
  });
  std::vector<Anomaly> found =
      find_anomalies(facts, commits->commits, since_ms, until_ms, *pricer, o);
  if (access.min_group_size > 1)
    std::erase_if(found, [](const Anomaly& a) { return a.kind != "no_commit_repo"; });
  return found;
}

std::string render_anomalies(const std::vector<Anomaly>& anomalies, std::string_view format) {
  std::string out;
  if (format == "json") {
    JsonWriter w(out);
    w.begin_object().key("anomalies").begin_array();
    for (const Anomaly& a : anomalies) {
      w.begin_object()
          .field("kind", a.kind)
          .field("subject", a.subject)
          .field("day", a.day)
          .field("unit", is_money(a) ? "usd" : "requests");
      w.key("value").raw_number(value_text(a, a.value));
      w.key("baseline").raw_number(value_text(a, a.baseline));
      w.field("explanation", a.explanation).field("dedupe_key", a.dedupe_key()).end_object();
    }
    w.end_array().end_object();
    out += "\n";
    return out;
  }
  if (format == "csv") {
    out = "day,kind,subject,unit,value,baseline,explanation\n";
    for (const Anomaly& a : anomalies)
      out += a.day + "," + a.kind + "," + report::csv_text_cell(a.subject) + "," +
             (is_money(a) ? "usd," : "requests,") + value_text(a, a.value) + "," +
             value_text(a, a.baseline) + "," + report::csv_text_cell(a.explanation) + "\n";
    return out;
  }
  if (anomalies.empty()) return "No anomalies.\n";
  for (const Anomaly& a : anomalies)
    out += a.day + "  " + a.kind + "  " + a.explanation + "\n";
  return out;
}

}  // namespace codepulse::collector
