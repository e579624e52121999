// codepulse-collector statement: the monthly statement finance reads, by
// author, repository and model at list, organisation and effective cost,
// with the seats, the idle seats, the reconciliation against the providers
// and the unpriced usage (collector/report/statement.hpp).
#include <cstdio>

#include "collector/cli/cli_table.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/prices_cli.hpp"
#include "collector/report/statement.hpp"

namespace codepulse::collector {

int run_statement_command(const std::vector<std::string>& argv) {
  int code = kExitOk;
  auto c = open_month_command(
      argv,
      "Usage: codepulse-collector statement --month YYYY-MM --db PATH|URI [--format "
      "table|json|csv]\n\n"
      "A month for finance: totals by author, repository and model at list, organisation\n"
      "and effective cost (seats spread over their holders' usage); the seats' charges\n"
      "and the idle seats; codepulse's cost next to each provider's imported cost (see\n"
      "reconcile for the days and models); the usage without a price.",
      code);
  if (!c) return code;
  auto s = statement_month(*c->store, c->month);
  if (!s) return fail(s.error().message);
  const std::string out = c->format == "table"
                              ? render_text_table(statement_table(*s)) + kQueuedOnLaptops + "\n"
                              : render_statement(*s, c->format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::collector
