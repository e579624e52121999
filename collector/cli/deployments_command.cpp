// codepulse-collector deployments list | stats | bugs: the delivery metrics
// (docs/DELIVERY.md) from the store: each deployment with the commits it
// shipped and whether it failed, or per environment deployment frequency,
// lead time for changes, change failure rate, time to restore and AI cost per
// deployment, AI vs other; or the bugs of the range's commits, per 1,000 AI
// lines against other lines.
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/cli/insight_cli.hpp"
#include "collector/report/bug_report.hpp"
#include "collector/report/delivery_report.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kDeploymentsUsage =
    "Usage: codepulse-collector deployments list|stats|bugs --db PATH|URI [--since WHEN]\n"
    "           [--until WHEN] [--format table|json] [RULES]\n"
    "\n"
    "Deployments (GitHub deployments and releases, POST /v1/deployments), the commits\n"
    "each shipped by ancestry, and failures (a failed status, a later revert or hotfix,\n"
    "an incident): docs/DELIVERY.md.\n"
    "\n"
    "  list    each deployment of the range: environment, commits, AI, failed and why\n"
    "  stats   per environment: deployments per day, lead time (median, p90), change\n"
    "          failure rate, time to restore, AI cost per deployment; AI vs other\n"
    "  bugs    Jira bugs of the range's commits (issue links, fix commits): bugs per\n"
    "          1,000 AI-written lines against other lines";

// The range of --since and --until (default: the 30 days before now).
Result<std::pair<int64_t, int64_t>> range_of(const Args& args) {
  report::Params params{{"format", "json"}};
  if (auto v = args.get("since")) params.emplace_back("since", *v);
  if (auto v = args.get("until")) params.emplace_back("until", *v);
  auto request = report::parse_report_params(params);
  if (!request) return request.error();
  const int64_t until = request->query.until_ms.value_or(now_utc_ms());
  const int64_t since = request->query.since_ms.value_or(until - 30 * 86'400'000LL);
  return std::make_pair(since, until);
}

int run_bugs(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs{
      db_flag(),
      {"since", true, false, "commits from this day or time, like report (default: 30 days ago)",
       "WHEN"},
      {"until", true, false, "commits before this day or time (default: now)", "WHEN"},
      {"format", true, false, "table or json (default table)", "FORMAT"},
      {"help", false, false, "show this help", "VALUE"},
  };
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector deployments bugs --db PATH|URI [--since WHEN] [--until WHEN]\n"
      "           [--format table|json]\n\n"
      "The Jira bugs introduced by the commits of the range (committer time): a bug's\n"
      "commits are those naming an issue linked as its cause (\"is caused by\") and those\n"
      "its fix commits revert or name in a \"Fixes: <sha>\" trailer. Each bug is split\n"
      "between AI and other by the AI-written and other scored lines of its commits;\n"
      "bugs per 1,000 AI lines against bugs per 1,000 other lines (docs/DELIVERY.md).");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json")
    return fail("--format: expected table or json, got '" + format + "'", kExitUsage);
  auto range = range_of(*args);
  if (!range) return fail(range.error().message, kExitUsage);
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  auto r = bug_report(**store, range->first, range->second);
  if (!r) return fail(r.error().message);
  std::string out = format == "json" ? bug_report_json(*r) + "\n" : bug_report_table(*r);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int run(const std::string& sub, const std::vector<std::string>& argv) {
  const bool stats = sub == "stats";
  std::vector<FlagSpec> specs{
      db_flag(),
      {"since", true, false,
       "deployments from this day or time, like report (default: 30 days ago)", "WHEN"},
      {"until", true, false, "deployments before this day or time (default: now)", "WHEN"},
      {"format", true, false, "table or json (default table)", "FORMAT"},
      {"production", true, false,
       "comma-separated production environments (default: production), as "
       "production_environments",
       "LIST"},
      {"hotfix-branches", true, false,
       "comma-separated hotfix branch globs (default: hotfix/*,hotfix-*), as "
       "hotfix_branch_patterns",
       "GLOBS"},
      {"hotfix-labels", true, false,
       "comma-separated pull request labels naming a hotfix (default: hotfix), as hotfix_labels",
       "LABELS"},
      {"merge-commits", true, false, "exclude (default) or count merge commits", "RULE"},
      {"help", false, false, "show this help", "VALUE"},
  };
  const auto args = parse_command(
      kProgram, argv, specs,
      std::string("Usage: codepulse-collector deployments ") + sub +
          " --db PATH|URI [--since WHEN] [--until WHEN] [--format table|json]\n\n" +
          (stats ? "Per environment: deployments per day, lead time for changes (median and "
                   "p90),\nchange failure rate, time to restore and AI cost per deployment, split "
                   "by\ndeployments with AI commits, without, and of unknown AI status."
                 : "Each deployment of the range: its environment and commit, the commits it "
                   "shipped,\nwhether any is AI, its AI spend, whether it failed and why, and "
                   "the time to restore."));
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json")
    return fail("--format: expected table or json, got '" + format + "'", kExitUsage);
  auto range = range_of(*args);
  if (!range) return fail(range.error().message, kExitUsage);
  const auto [since, until] = *range;
  DeliverySettings settings;
  if (auto v = args->get("production")) settings.production_environments = *v;
  if (auto v = args->get("hotfix-branches")) settings.hotfix_branch_patterns = *v;
  if (auto v = args->get("hotfix-labels")) settings.hotfix_labels = *v;
  if (auto v = args->get("merge-commits")) {
    if (*v != "exclude" && *v != "count")
      return fail("--merge-commits: expected exclude or count, got '" + *v + "'", kExitUsage);
    settings.count_merge_commits = *v == "count";
  }
  auto options = delivery_options(settings, since, until);
  if (!options) return fail(options.error().message, kExitUsage);
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  auto r = delivery_report(**store, *options);
  if (!r) return fail(r.error().message);
  std::string out = format == "json" ? (stats ? delivery_stats_json(*r) : delivery_list_json(*r))
                                     : (stats ? delivery_stats_table(*r) : delivery_list_table(*r));
  if (format == "json") out += "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_deployments_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kDeploymentsUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  if (sub != "list" && sub != "stats" && sub != "bugs")
    return fail("unknown deployments command '" + sub + "' (list, stats or bugs; see --help)",
                kExitUsage);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  return sub == "bugs" ? run_bugs(rest) : run(sub, rest);
}

}  // namespace codepulse::collector
