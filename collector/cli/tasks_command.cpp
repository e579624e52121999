// codepulse-collector tasks classes: the AI spend and outcomes of similar
// tasks side by side (docs/DELIVERY.md, "Task classes"): per class of issue
// type, story points, component, label or priority, the cost distribution
// (median, p75, p90) and the tasks far above their class's median; epics
// compared the same way.
#include <cstdio>
#include <cstdlib>

#include "collector/cli/commands.hpp"
#include "collector/cli/insight_cli.hpp"
#include "collector/report/task_class_report.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

const char* kTasksUsage =
    "Usage: codepulse-collector tasks classes --db PATH|URI [--since WHEN] [--until WHEN]\n"
    "           [--by LIST] [--outlier FACTOR] [--min-tasks N] [--production LIST]\n"
    "           [--merge-commits RULE] [--format table|json]\n"
    "\n"
    "Task classes (docs/DELIVERY.md): the Jira tasks resolved in a range, each with its\n"
    "whole AI spend, grouped by what Jira says of them.\n"
    "\n"
    "  classes  per class: tasks, cost median, p75 and p90, commits, merged pull\n"
    "           requests, bugs caused, cycle time, rework rate, lead time to\n"
    "           production; the outliers; epics the same way";

// A number from `text`, or an error naming the flag.
Result<double> number(const std::string& flag, const std::string& text, double min, double max) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v >= min && v <= max))
    return make_error("--" + flag + ": expected a number from " + std::to_string(int64_t(min)) +
                      " to " + std::to_string(int64_t(max)) + ", got '" + text + "'");
  return v;
}

int run_classes(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs{
      db_flag(),
      {"since", true, false,
       "tasks resolved from this day or time, like report (default: 90 days ago)", "WHEN"},
      {"until", true, false, "tasks resolved before this day or time (default: now)", "WHEN"},
      {"by", true, false,
       "what makes a class: comma-separated type, points, component, label, priority "
       "(default type,points,component)",
       "LIST"},
      {"outlier", true, false,
       "a task costing this many times its class's median or more is an outlier (default 3)",
       "FACTOR"},
      {"min-tasks", true, false, "classes with fewer tasks name no outlier (default 3)", "N"},
      {"production", true, false,
       "comma-separated production environments for lead times (default: production), as "
       "production_environments",
       "LIST"},
      {"merge-commits", true, false, "exclude (default) or count merge commits", "RULE"},
      {"format", true, false, "table or json (default table)", "FORMAT"},
      {"help", false, false, "show this help", "VALUE"},
  };
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector tasks classes --db PATH|URI [--since WHEN] [--until WHEN]\n"
      "           [--by LIST] [--outlier FACTOR] [--min-tasks N] [--production LIST]\n"
      "           [--merge-commits RULE] [--format table|json]\n\n"
      "The Jira tasks resolved in the range, each with its whole AI spend, per class:\n"
      "tasks, cost median, p75 and p90, commits, merged pull requests, bugs they caused,\n"
      "median cycle time (created to resolved), rework rate, median lead time to production;\n"
      "the tasks costing --outlier times their class's median or more; the epics resolved\n"
      "in the range compared the same way.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json")
    return fail("--format: expected table or json, got '" + format + "'", kExitUsage);
  report::Params params{{"format", "json"}};
  if (auto v = args->get("since")) params.emplace_back("since", *v);
  if (auto v = args->get("until")) params.emplace_back("until", *v);
  auto request = report::parse_report_params(params);
  if (!request) return fail(request.error().message, kExitUsage);
  TaskClassOptions options;
  options.until_ms = request->query.until_ms.value_or(now_utc_ms());
  options.since_ms = request->query.since_ms.value_or(options.until_ms - 90 * 86'400'000LL);
  if (auto v = args->get("by")) {
    auto by = parse_class_by(*v);
    if (!by) return fail("--" + by.error().message, kExitUsage);
    options.by = std::move(by).value();
  }
  if (auto v = args->get("outlier")) {
    auto f = number("outlier", *v, 1, 1000);
    if (!f) return fail(f.error().message, kExitUsage);
    options.outlier_factor = *f;
  }
  if (auto v = args->get("min-tasks")) {
    auto n = number("min-tasks", *v, 1, 1'000'000);
    if (!n || *n != static_cast<double>(static_cast<int64_t>(*n)))
      return fail("--min-tasks: expected a whole number from 1 to 1000000, got '" + *v + "'",
                  kExitUsage);
    options.min_tasks = static_cast<int64_t>(*n);
  }
  DeliverySettings delivery;
  if (auto v = args->get("production")) delivery.production_environments = *v;
  if (auto v = args->get("merge-commits")) {
    if (*v != "exclude" && *v != "count")
      return fail("--merge-commits: expected exclude or count, got '" + *v + "'", kExitUsage);
    delivery.count_merge_commits = *v == "count";
  }
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  auto r = task_class_report(**store, options, delivery);
  if (!r) return fail(r.error().message);
  std::string out = format == "json" ? task_class_json(*r) + "\n" : task_class_table(*r);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_tasks_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kTasksUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  if (sub != "classes")
    return fail("unknown tasks command '" + sub + "' (classes; see --help)", kExitUsage);
  return run_classes(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace codepulse::collector
