// codepulse-collector hotspots: the files changed most often, by the most
// people, and recently rewritten, with their AI share, rework and spend
// (docs/HOTSPOTS.md).
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/cli/insight_cli.hpp"
#include "collector/report/hotspots.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

int run_hotspots_command(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs{
      db_flag(),
      {"since", true, false, "from this day or time, like report (default: 90 days ago)", "WHEN"},
      {"until", true, false, "before this day or time, like report (default: now)", "WHEN"},
      {"format", true, false, "table, json or csv (default table)", "FORMAT"},
  };
  for (FlagSpec& f : option_flags(hotspot_option_names()))
    specs.push_back(std::move(f));
  specs.push_back({"help", false, false, "show this help", "VALUE"});
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector hotspots --db PATH|URI [--since WHEN] [OPTIONS]\n\n"
      "The files of the range ranked by score = changes + 2 x (authors - 1) + 5 x heavy\n"
      "rewrites (a commit removing at least --heavy-rewrite-lines lines of the file in the\n"
      "last --recent-days of the range), with their AI share of changes and lines, the\n"
      "rework of their lines and the spend on them (docs/HOTSPOTS.md).");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  HotspotOptions options;
  if (auto s = apply_option_flags(*args, hotspot_option_names(),
                                  [&options](std::string_view n, std::string_view v) {
                                    return set_hotspot_option(options, n, v);
                                  });
      !s)
    return fail(s.error().message, kExitUsage);
  if (auto s = check_hotspot_options(options); !s) return fail(s.error().message, kExitUsage);
  report::Params params{{"format", args->get("format").value_or("table")}};
  if (auto v = args->get("since")) params.emplace_back("since", *v);
  if (auto v = args->get("until")) params.emplace_back("until", *v);
  auto request = report::parse_report_params(params);
  if (!request) return fail(request.error().message, kExitUsage);
  const int64_t until = request->query.until_ms.value_or(now_utc_ms());
  const int64_t since = request->query.since_ms.value_or(until - 90 * 86'400'000LL);
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  auto spots = store_hotspots(**store, since, until, options);
  if (!spots) return fail(spots.error().message);
  const std::string out = render_hotspots(*spots, options, request->format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
