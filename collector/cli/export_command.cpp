// codepulse-collector export focus: a month of AI assistant spend as a
// FinOps FOCUS 1.2 CSV (collector/report/focus_export.hpp,
// docs/FOCUS_EXPORT.md), to standard output or a file.
#include <cstdio>

#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/focus_export.hpp"
#include "collector/report/reconcile.hpp"
#include "common/atomic_file.hpp"

namespace codepulse::collector {
namespace {

const char* kExportUsage =
    "Usage: codepulse-collector export focus --month YYYY-MM --db PATH|URI [--output FILE]\n"
    "\n"
    "Exports for FinOps tools.\n"
    "\n"
    "  focus   a month of AI assistant spend as a FOCUS 1.2 CSV (usage and seats)";

int focus(const std::vector<std::string>& argv) {
  std::vector<FlagSpec> specs;
  for (FlagSpec& f :
       prices_flags({{"month", true, false, "the month (UTC days), e.g. 2026-11", "YYYY-MM"},
                     {"output", true, false,
                      "write the CSV to this file (default: standard output)", "FILE"}}))
    if (f.name != "format") specs.push_back(std::move(f));
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector export focus --month YYYY-MM --db PATH|URI [--output FILE]\n\n"
      "A month of AI assistant spend as a FinOps FOCUS 1.2 CSV (docs/FOCUS_EXPORT.md):\n"
      "usage per UTC day, assistant, model, repository, branch, author, task and epic\n"
      "at list (ListCost), organisation (ContractedCost) and effective cost (seats spread:\n"
      "EffectiveCost), and each seat's charge for the month as a purchase, idle seats\n"
      "included. Amounts are exact decimals of US dollars; a month with nothing is the\n"
      "header alone.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto month = args->get("month");
  if (!month) return fail("--month YYYY-MM is required (see --help)", kExitUsage);
  if (!month_days(*month))
    return fail("--month '" + *month + "': expected YYYY-MM, e.g. 2026-11", kExitUsage);
  auto store = open_prices_store(*args, true);
  if (!store) return fail(store.error().message);
  auto e = focus_month(**store, *month);
  if (!e) return fail(e.error().message);
  const std::string csv = render_focus_csv(*e);
  if (const auto output = args->get("output")) {
    if (auto ok = write_file_atomically(*output, csv, 0640); !ok)
      return fail("--output '" + *output + "': " + ok.error().message);
    return kExitOk;
  }
  std::fwrite(csv.data(), 1, csv.size(), stdout);
  return kExitOk;
}

}  // namespace

int run_export_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  if (sub.empty() || sub == "--help" || sub == "help") {
    std::puts(kExportUsage);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "focus") return focus(rest);
  return fail("unknown export '" + sub + "' (use focus)", kExitUsage);
}

}  // namespace codepulse::collector
