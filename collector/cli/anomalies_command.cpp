// codepulse-collector anomalies: spend that stands out against its own
// history, each explained (docs/ANOMALIES.md).
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/cli/insight_cli.hpp"
#include "collector/report/anomaly_report.hpp"
#include "collector/report/insight_options.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

int run_anomalies_command(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs{
      db_flag(),
      {"since", true, false, "from this day or time, like report (default: 7 days ago)", "WHEN"},
      {"until", true, false, "before this day or time, like report (default: now)", "WHEN"},
      {"format", true, false, "table, json or csv (default table)", "FORMAT"},
  };
  for (FlagSpec& f : option_flags(anomaly_option_names()))
    specs.push_back(std::move(f));
  specs.push_back({"help", false, false, "show this help", "VALUE"});
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector anomalies --db PATH|URI [--since WHEN] [OPTIONS]\n\n"
      "Spend that stands out, each with what was compared with what: an author's day or\n"
      "session above k times their trailing median, a switch to a pricier model, spend in a\n"
      "repository without commits, a burst of requests from one session (docs/ANOMALIES.md).");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  AnomalyOptions options;
  if (auto s = apply_option_flags(*args, anomaly_option_names(),
                                  [&options](std::string_view n, std::string_view v) {
                                    return set_anomaly_option(options, n, v);
                                  });
      !s)
    return fail(s.error().message, kExitUsage);
  // The range and format are checked as report checks them.
  report::Params params{{"format", args->get("format").value_or("table")}};
  if (auto v = args->get("since")) params.emplace_back("since", *v);
  if (auto v = args->get("until")) params.emplace_back("until", *v);
  auto request = report::parse_report_params(params);
  if (!request) return fail(request.error().message, kExitUsage);
  const int64_t now = now_utc_ms();
  const int64_t until = request->query.until_ms.value_or(now);
  const int64_t since = request->query.since_ms.value_or(until - 7 * 86'400'000LL);
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  auto found = store_anomalies(**store, since, until, options);
  if (!found) return fail(found.error().message);
  const std::string out = render_anomalies(*found, request->format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
