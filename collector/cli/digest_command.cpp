// codepulse-collector digest show: the weekly digest of a team or of the
// organisation, as serve sends it (docs/ALERTS.md "Weekly digest").
#include <cstdio>
#include <cstdlib>

#include "collector/alert/digest_alerts.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/insight_cli.hpp"
#include "collector/report/team_digest.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr const char* kDigestUsage =
    "Usage: codepulse-collector digest show --db PATH|URI [--team TEAM] [--week YYYY-Www]\n"
    "\n"
    "The weekly digest serve sends through the alert receivers (docs/ALERTS.md):\n"
    "spend of an ISO week, change against the week before, cost per merged PR, the\n"
    "largest waste and anomalies. Without --team, the organisation's.";

int show(const std::vector<std::string>& argv) {
  const std::vector<FlagSpec> specs{
      db_flag(),
      {"team", true, false,
       "a team (group, organisation) of the people directory (default: the "
       "whole organisation)",
       "TEAM"},
      {"week", true, false, "the ISO week, like 2026-W49 (default: last week)", "WEEK"},
      {"tz", true, false, "the organisation's time zone, as serve's org_tz (default UTC)", "ZONE"},
      {"top", true, false, "waste rules and anomalies listed (default 3)", "N"},
      {"format", true, false, "table or json (default table)", "FORMAT"},
      {"help", false, false, "show this help", "VALUE"},
  };
  const auto args = parse_command(kProgram, argv, specs, kDigestUsage);
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json")
    return fail("--format: expected table or json, got '" + format + "'", kExitUsage);
  auto tz = TimeZone::load(args->get("tz").value_or("UTC"));
  if (!tz) return fail("--tz: " + tz.error().message, kExitUsage);
  DigestOptions options;
  if (auto top = args->get("top")) {
    char* end = nullptr;
    const long long n = std::strtoll(top->c_str(), &end, 10);
    if (top->empty() || *end != '\0' || n < 1 || n > 100)
      return fail("--top: expected a number from 1 to 100, got '" + *top + "'", kExitUsage);
    options.top = static_cast<size_t>(n);
  }
  const int64_t now = now_utc_ms();
  DigestWeek week = week_before(iso_week_at(now, *tz), *tz);
  if (auto w = args->get("week")) {
    auto parsed = parse_iso_week(*w, *tz);
    if (!parsed) return fail("--week: " + parsed.error().message, kExitUsage);
    week = std::move(parsed).value();
  }
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  const std::string team = args->get("team").value_or("");
  auto digests = team_digests(**store, week, *tz, now, options, &team);
  if (!digests) return fail(digests.error().message);
  const std::string out = render_digest(digests->front(), format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_digest_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kDigestUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  if (sub == "show") return show(std::vector<std::string>(args.begin() + 1, args.end()));
  return fail("unknown digest command '" + sub + "' (use show)", kExitUsage);
}

}  // namespace codepulse::collector
