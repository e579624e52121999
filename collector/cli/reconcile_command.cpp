// codepulse-collector reconcile: a month of codepulse's tokens and cost next
// to what the providers' imported usage and cost say, per day and model, with
// the difference and its known explanations (docs/PROVIDER_IMPORT.md).
#include <cstdio>

#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/reconcile.hpp"

namespace codepulse::collector {

int run_reconcile_command(const std::vector<std::string>& argv) {
  auto specs = prices_flags(
      {{"month", true, false, "the month to reconcile (UTC days), e.g. 2026-11", "YYYY-MM"}});
  for (FlagSpec& f : specs)
    if (f.name == "format") f.help = "table (default), json or csv";
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-collector reconcile --month YYYY-MM --db PATH|URI [--format "
      "table|json|csv]\n\n"
      "Per UTC day and model: codepulse's tokens and cost (the stored records, priced like\n"
      "every report) next to the provider's imported usage and cost (import-usage, or the\n"
      "poller of serve), the difference (provider minus codepulse) and what explains it where\n"
      "that is known. Under each day and model, the provider's tokens by workspace (or\n"
      "project) and API key.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "' (see --help)", kExitUsage);
  const auto month = args->get("month");
  if (!month) return fail("--month YYYY-MM is required (see --help)", kExitUsage);
  if (!month_days(*month))
    return fail("--month '" + *month + "': expected YYYY-MM, e.g. 2026-11", kExitUsage);
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv")
    return fail("--format '" + format + "': expected table, json or csv", kExitUsage);
  auto store = open_prices_store(*args, true);
  if (!store) return fail(store.error().message);
  auto r = reconcile_month(**store, *month);
  if (!r) return fail(r.error().message);
  const std::string out =
      format == "table" ? render_text_table(reconciliation_table(*r)) + kQueuedOnLaptops + "\n"
                        : render_reconciliation(*r, format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
