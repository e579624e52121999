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
  int code = kExitOk;
  auto c = open_month_command(
      argv,
      "Usage: codepulse-collector reconcile --month YYYY-MM --db PATH|URI [--format "
      "table|json|csv]\n\n"
      "Per UTC day and model: codepulse's tokens and cost (the stored records, priced like\n"
      "every report) next to the provider's imported usage and cost (import-usage, or the\n"
      "poller of serve), the difference (provider minus codepulse) and what explains it where\n"
      "that is known. Under each day and model, the provider's tokens by workspace (or\n"
      "project) and API key.",
      code);
  if (!c) return code;
  auto r = reconcile_month(*c->store, c->month);
  if (!r) return fail(r.error().message);
  const std::string out =
      c->format == "table" ? render_text_table(reconciliation_table(*r)) + kQueuedOnLaptops + "\n"
                           : render_reconciliation(*r, c->format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
