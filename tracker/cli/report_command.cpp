// codepulse-tracker report: tokens and cost from the local store.
#include <sys/stat.h>

#include <cstdio>

#include "common/time.hpp"
#include "common/tz.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/report/usage_report.hpp"

namespace codepulse::tracker {
namespace {

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

}  // namespace

int run_report_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags(report_flags());
  auto args = Args::parse(argv, specs);
  if (!args) return fail(args.error().message, kExitUsage);
  if (args->has("help")) {
    std::puts(format_help("Usage: codepulse-tracker report [OPTIONS]\n\nTokens and cost from the "
                          "local store, nested by the given dimensions.",
                          specs)
                  .c_str());
    return kExitOk;
  }
  ReportQuery q;
  if (auto g = args->get("group-by")) {
    auto dims = parse_dimensions(*g);
    if (!dims) return fail(dims.error().message, kExitUsage);
    q.group_by = *dims;
  }
  if (auto z = args->get("tz")) {
    auto tz = TimeZone::load(*z);
    if (!tz) return fail("--tz: " + tz.error().message, kExitUsage);
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
  if (auto s = args->get("since")) {
    auto v = day_start(*s, "--since", false);
    if (!v) return fail(v.error().message, kExitUsage);
    q.since_ms = *v;
  }
  if (auto u = args->get("until")) {
    auto v = day_start(*u, "--until", true);
    if (!v) return fail(v.error().message, kExitUsage);
    q.until_ms = *v;
  }
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv")
    return fail("--format: expected table, json or csv, got '" + format + "'", kExitUsage);
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  const std::string state_dir = config->str("state_dir");
  struct stat st {};
  if (::stat((state_dir + "/tracker.db").c_str(), &st) != 0)
    return fail("no local store at " + state_dir +
                "/tracker.db; run 'codepulse-tracker scan' first");
  auto store = LocalStore::open(state_dir, /*writer=*/false);
  if (!store) return fail(store.error().message);
  auto report = build_report(store->database(), q);
  if (!report) return fail(report.error().message);
  std::string out = format == "json"  ? render_json(*report)
                    : format == "csv" ? render_csv(*report)
                                      : render_table(*report);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::tracker
