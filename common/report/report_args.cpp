#include "common/report/report_args.hpp"

#include "common/report/leverage.hpp"

namespace codepulse {

std::vector<FlagSpec> report_flags(ReportFlavour flavour) {
  const bool outcomes = flavour == ReportFlavour::kOutcomes;
  std::vector<FlagSpec> flags = {
      {"group-by", true, false,
       std::string("dimensions, nested in order: model, repo, file, author, task, epic, date, "
                   "session, branch") +
           (outcomes ? ", commit, pr, person, team, group, org, level (people: docs/PEOPLE.md)"
                     : "") +
           " (default date,model)",
       "D1,D2"},
      {"metric", true, false,
       std::string("sort every level by this metric, largest first: input, output, "
                   "cache_create, cache_read, total_tokens, cost_usd, records, cache_hit_ratio, "
                   "cost_per_session, cost_per_active_day") +
           (outcomes ? ", commits, merged_prs, cost_per_commit, cost_per_merged_pr, "
                       "pr_cycle_time_hours, pr_cycle_time_hours_p75, rework_rate, leverage"
                     : "") +
           " (default: dates by date, the rest by cost)",
       "METRIC"},
      {"where", true, true, "only this value of a dimension (repeatable)", "DIM=VALUE"},
      {"top", true, false, "keep the N largest children per level; the rest: (others)", "N"},
      {"since", true, false, "first day included (YYYY-MM-DD or YYYYMMDD, or an ISO instant)",
       "DATE"},
      {"until", true, false, "last day included", "DATE"},
      {"tz", true, false, "IANA time zone for days (default UTC)", "ZONE"},
      {"granularity", true, false, "date as day (default), week or month", "G"},
      {"format", true, false, "table (default), json or csv", "FORMAT"},
      {"cost", true, false,
       "the cost that sorts, cuts, fills the table and divides: org (default, the "
       "organisation's rates), list (list prices) or effective (seats spread over their "
       "holders' usage); json and csv carry all three",
       "BASIS"},
      {"help", false, false, "show this help"}};
  if (outcomes) {
    flags.insert(
        flags.end() - 1,
        {{"outcomes", false, false,
          "add commits, pull requests, rework and leverage (docs/METRICS.md); implied "
          "by an outcome metric or the commit and pr dimensions"},
         {"links", true, false,
          "the weakest session-commit link counted: exact, strong (default) or weak", "LEVEL"},
         {"merge-commits", true, false,
          "merge commits in commits and cost per commit: exclude (default) or count "
          "(docs/METRICS.md)",
          "RULE"},
         {"leverage-weights", true, false,
          "leverage weights, e.g. lines_added=1,lines_removed=0.875,refactoring=0.75,"
          "skills=1,mcp=0.875 (the default)",
          "W"}});
  }
  return flags;
}

Result<report::ReportRequest> parse_report_args(const Args& args, ReportFlavour flavour) {
  report::Params params;
  const std::pair<const char*, const char*> names[] = {{"group-by", "group_by"},
                                                       {"metric", "metric"},
                                                       {"top", "top"},
                                                       {"since", "since"},
                                                       {"until", "until"},
                                                       {"tz", "tz"},
                                                       {"granularity", "granularity"},
                                                       {"format", "format"},
                                                       {"cost", "cost"}};
  for (const auto& [flag, param] : names)
    if (auto v = args.get(flag)) params.emplace_back(param, *v);
  for (const auto& w : args.all("where"))
    params.emplace_back("where", w);
  if (flavour == ReportFlavour::kOutcomes) {
    if (args.has("outcomes")) params.emplace_back("outcomes", "true");
    if (auto v = args.get("links")) params.emplace_back("links", *v);
    if (auto v = args.get("merge-commits")) params.emplace_back("merge_commits", *v);
  }
  auto r = report::parse_report_params(params);
  if (!r) {
    // Name the flag the way the command line spells it.
    std::string m = r.error().message;
    for (const auto& [flag, param] : names)
      if (m.rfind(std::string(param) + ":", 0) == 0)
        m = "--" + std::string(flag) + m.substr(std::string(param).size());
    if (m.rfind("where:", 0) == 0) m = "--" + m;
    return make_error(m);
  }
  if (flavour == ReportFlavour::kUsage && r->query.wants_outcomes())
    return make_error(
        "commits, pull requests and outcome metrics are in the collector's reports "
        "(codepulse-collector report --outcomes, or GET /v1/report?outcomes=true)");
  if (flavour == ReportFlavour::kOutcomes) {
    if (auto w = args.get("leverage-weights")) {
      auto weights = report::parse_leverage_weights(*w);
      if (!weights) return make_error("--" + weights.error().message);
      r->query.weights = *weights;
    }
  }
  return r;
}

}  // namespace codepulse
