#include "tracker/report/report_args.hpp"

namespace codepulse::tracker {

std::vector<FlagSpec> report_flags() {
  return {{"group-by", true, false,
           "dimensions, nested in order: model, repo, file, author, task, epic, date, session, "
           "branch (default date,model)",
           "D1,D2"},
          {"metric", true, false,
           "sort every level by this metric, largest first: input, output, cache_create, "
           "cache_read, total_tokens, cost_usd, records, cache_hit_ratio, cost_per_session, "
           "cost_per_active_day (default: dates by date, the rest by cost)",
           "METRIC"},
          {"where", true, true, "only this value of a dimension (repeatable)", "DIM=VALUE"},
          {"top", true, false, "keep the N largest children per level; the rest: (others)", "N"},
          {"since", true, false, "first day included (YYYY-MM-DD or YYYYMMDD, or an ISO instant)",
           "DATE"},
          {"until", true, false, "last day included", "DATE"},
          {"tz", true, false, "IANA time zone for days (default UTC)", "ZONE"},
          {"granularity", true, false, "date as day (default), week or month", "G"},
          {"format", true, false, "table (default), json or csv", "FORMAT"},
          {"help", false, false, "show this help"}};
}

Result<report::ReportRequest> parse_report_args(const Args& args) {
  report::Params params;
  const std::pair<const char*, const char*> names[] = {{"group-by", "group_by"},
                                                       {"metric", "metric"},
                                                       {"top", "top"},
                                                       {"since", "since"},
                                                       {"until", "until"},
                                                       {"tz", "tz"},
                                                       {"granularity", "granularity"},
                                                       {"format", "format"}};
  for (const auto& [flag, param] : names)
    if (auto v = args.get(flag)) params.emplace_back(param, *v);
  for (const auto& w : args.all("where"))
    params.emplace_back("where", w);
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
  return r;
}

}  // namespace codepulse::tracker
