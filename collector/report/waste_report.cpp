// The waste ledger: the store's records and commits through the rules
// (waste_rules.hpp), each rule's shares reported by the report engine.
#include "collector/report/waste_report.hpp"

#include <algorithm>

#include "collector/report/store_report.hpp"
#include "common/json_writer.hpp"
#include "common/report/usage_cube.hpp"

// report::render_json documents are embedded whole (JsonWriter::raw_number
// writes its text as it is).

namespace codepulse::collector {

namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t minus(int64_t t, int64_t d) {
  return t > INT64_MIN + d ? t - d : INT64_MIN;
}
int64_t plus(int64_t t, int64_t d) {
  return t < INT64_MAX - d ? t + d : INT64_MAX;
}

// A UsageReader over facts already read (build_report keeps its range).
report::UsageReader replay(const std::vector<report::UsageFact>& facts,
                           const report::EpicMap& epics) {
  return [&facts, &epics](int64_t since, int64_t until, bool, report::EpicMap& out,
                          const std::function<bool(const report::UsageFact&)>& fn) -> Status {
    out = epics;
    for (const report::UsageFact& f : facts)
      if (f.ts_ms >= since && f.ts_ms < until && !fn(f))
        return make_error("the waste report stopped");
    return {};
  };
}

}  // namespace

Result<WasteLedger> waste_ledger(Store& store, const report::ReportQuery& query,
                                 const WasteOptions& options, int64_t now_ms,
                                 std::shared_ptr<const Pricer> pricer) {
  if (!pricer) {
    auto loaded = store_pricer(store);
    if (!loaded) return loaded.error();
    pricer = std::move(loaded).value();
  }
  // The people directory answers the people dimensions (team, person, …) in
  // each of the ledger's reports; without it every rule's spend was in
  // "(no team)".
  auto people = store_people(store);
  if (!people) return people.error();
  const int64_t since = query.since_ms.value_or(INT64_MIN);
  const int64_t until = query.until_ms.value_or(INT64_MAX);
  std::vector<report::UsageFact> facts;
  report::EpicMap epics;
  if (auto s = store.read_usage(minus(since, 7 * kDayMs), plus(until, kDayMs), true, epics,
                                [&facts](const report::UsageFact& f) {
                                  facts.push_back(f);
                                  return true;
                                });
      !s)
    return s.error();
  int64_t first = INT64_MAX;
  for (const report::UsageFact& f : facts)
    first = std::min(first, f.ts_ms);
  report::CommitFacts commits;
  if (!facts.empty()) {
    auto loaded = store.load_commits(minus(first, options.windows.strong_ms + kDayMs), INT64_MAX);
    if (!loaded) return loaded.error();
    commits = std::move(loaded).value();
  }
  const std::vector<WasteFlags> flags = waste_flags(facts, commits, options, now_ms);

  WasteLedger out;
  out.options = options;
  const report::OutcomeReader outcomes = outcome_reader(store);
  auto run = [&](const std::function<std::optional<WasteShare>(size_t)>& share,
                 report::Report& into) -> Status {
    std::vector<report::UsageFact> wasted;
    for (size_t i = 0; i < facts.size(); ++i)
      if (auto s = share(i)) wasted.push_back(scaled_fact(facts[i], *s));
    auto r = report::build_report(replay(wasted, epics), query, outcomes, pricer, nullptr, *people);
    if (!r) return r.error();
    into = std::move(r).value();
    return {};
  };
  for (size_t rule = 0; rule < kWasteRuleCount; ++rule)
    if (auto s = run([&](size_t i) { return flags[i][rule]; }, out.rules[rule]); !s)
      return s.error();
  if (auto s = run([&](size_t i) { return largest_share(flags[i]); }, out.total); !s)
    return s.error();
  return out;
}

namespace {

std::string render_json(const WasteLedger& w) {
  std::string out;
  JsonWriter j(out);
  j.begin_object();
  j.key("options")
      .begin_object()
      .field("no_commit_days", w.options.no_commit_days)
      .field("error_loop_errors", w.options.error_loop_errors)
      .field("abandon_idle_minutes", w.options.abandon_idle_ms / 60'000)
      .field("links", report::link_level_name(w.options.links))
      .end_object();
  j.key("rules").begin_array();
  for (size_t i = 0; i < kWasteRuleCount; ++i) {
    const auto rule = static_cast<WasteRule>(i);
    j.begin_object()
        .field("rule", waste_rule_name(rule))
        .field("definition", waste_rule_definition(rule))
        .key("report")
        .raw_number(report::render_json(w.rules[i]))
        .end_object();
  }
  j.end_array();
  j.field("total_note",
          "a record several rules count is counted once in the total, at its largest share");
  j.key("total").raw_number(report::render_json(w.total)).end_object();
  return out;
}

// A report's CSV with `rule` as its first cell; the header only when asked.
void csv_section(const report::Report& r, std::string_view rule, bool header, std::string& out) {
  const std::string csv = report::render_csv(r);
  size_t pos = 0;
  bool first = true;
  while (pos < csv.size()) {
    size_t end = csv.find('\n', pos);
    if (end == std::string::npos) end = csv.size();
    const std::string_view line(csv.data() + pos, end - pos);
    if (first ? header : !line.empty()) {
      out += first ? "rule," : std::string(rule) + ",";
      out += line;
      out += "\n";
    }
    first = false;
    pos = end + 1;
  }
}

}  // namespace

std::string render_waste(const WasteLedger& w, std::string_view format) {
  if (format == "json") return render_json(w);
  std::string out;
  if (format == "csv") {
    for (size_t i = 0; i < kWasteRuleCount; ++i)
      csv_section(w.rules[i], waste_rule_name(static_cast<WasteRule>(i)), i == 0, out);
    csv_section(w.total, "total", false, out);
    return out;
  }
  for (size_t i = 0; i < kWasteRuleCount; ++i) {
    const auto rule = static_cast<WasteRule>(i);
    out += std::string("== ") + waste_rule_name(rule) + ": " + waste_rule_definition(rule) + "\n";
    out += report::render_table(w.rules[i]) + "\n";
  }
  out += "== total (a record several rules count is counted once, at its largest share)\n";
  out += report::render_table(w.total);
  return out;
}

}  // namespace codepulse::collector
