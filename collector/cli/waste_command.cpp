// codepulse-collector waste: the waste ledger (docs/WASTE.md), spend that
// never reached the product per rule and in total, nested by any report
// dimensions like `report`.
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/cli/insight_cli.hpp"
#include "collector/report/insight_options.hpp"
#include "collector/report/waste_report.hpp"
#include "common/report/report_args.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

int run_waste_command(const std::vector<std::string>& argv_in) {
  // --by is --group-by.
  std::vector<std::string> argv = argv_in;
  for (std::string& a : argv) {
    if (a == "--by")
      a = "--group-by";
    else if (a.rfind("--by=", 0) == 0)
      a = "--group-by=" + a.substr(5);
  }
  auto specs = report_flags(ReportFlavour::kOutcomes);
  specs.push_back(db_flag());
  for (FlagSpec& f : option_flags(waste_option_names()))
    specs.push_back(std::move(f));
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector waste --db PATH|URI [--by DIMS] [OPTIONS]\n\n"
      "The waste ledger: spend that never reached the product, per rule (no_commit,\n"
      "error_loop, repeated_read, abandoned, rework) and in total, nested by the given\n"
      "dimensions (--by is --group-by). A record two rules count is counted once in the\n"
      "total. Rules: docs/WASTE.md.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto path = args->get("db");
  if (!path) return fail("--db PATH is required (see --help)", kExitUsage);
  WasteOptions options;
  if (auto s = apply_option_flags(*args, waste_option_names(),
                                  [&options](std::string_view n, std::string_view v) {
                                    return set_waste_option(options, n, v);
                                  });
      !s)
    return fail(s.error().message, kExitUsage);
  auto request = parse_report_args(*args, ReportFlavour::kOutcomes);
  if (!request) return fail(request.error().message, kExitUsage);
  auto store = open_store(*path);
  if (!store) return fail(store.error().message);
  auto ledger = waste_ledger(**store, request->query, options, now_utc_ms());
  if (!ledger) return fail(ledger.error().message);
  const std::string out = render_waste(*ledger, request->format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
