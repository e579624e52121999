#include "tracker/report/report_args.hpp"

#include "common/time.hpp"
#include "common/tz.hpp"

namespace codepulse::tracker {

std::vector<FlagSpec> report_flags() {
  return {{"group-by", true, false,
           "dimensions, nested in order: model, repo, file, author, task, date, session (default "
           "date,model)",
           "D1,D2"},
          {"since", true, false, "first day included (YYYY-MM-DD or YYYYMMDD, or an ISO instant)",
           "DATE"},
          {"until", true, false, "last day included", "DATE"},
          {"tz", true, false, "IANA time zone for days (default UTC)", "ZONE"},
          {"format", true, false, "table (default), json or csv", "FORMAT"},
          {"help", false, false, "show this help"}};
}

Status parse_report_args(const Args& args, ReportQuery& q, std::string& format) {
  if (auto g = args.get("group-by")) {
    auto dims = parse_dimensions(*g);
    if (!dims) return dims.error();
    q.group_by = *dims;
  }
  if (auto z = args.get("tz")) {
    auto tz = TimeZone::load(*z);
    if (!tz) return make_error("--tz: " + tz.error().message);
    q.tz = std::move(tz).value();
  }
  auto day_start = [&](const std::string& text, const char* flag,
                       bool next_day) -> Result<int64_t> {
    // A bare day is taken in --tz; --until includes its whole day.
    auto probe = parse_date_bound_ms(text, 0);
    if (!probe)
      return make_error(std::string(flag) +
                        ": expected YYYY-MM-DD, YYYYMMDD or an ISO-8601 instant, got '" + text +
                        "'");
    const bool bare_day = text.find('T') == std::string::npos;
    if (!bare_day) return *probe;
    int64_t days = *probe / 86400000 + (next_day ? 1 : 0);
    return q.tz.local_day_start_utc(civil_from_days(days)) * 1000;
  };
  if (auto s = args.get("since")) {
    auto v = day_start(*s, "--since", false);
    if (!v) return v.error();
    q.since_ms = *v;
  }
  if (auto u = args.get("until")) {
    auto v = day_start(*u, "--until", true);
    if (!v) return v.error();
    q.until_ms = *v;
  }
  format = args.get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv")
    return make_error("--format: expected table, json or csv, got '" + format + "'");
  return {};
}

std::string render_report(const Report& report, const std::string& format) {
  if (format == "json") return render_json(report);
  if (format == "csv") return render_csv(report);
  return render_table(report);
}

}  // namespace codepulse::tracker
