// codepulse-tracker report: tokens and cost from the local store.
#include <sys/stat.h>

#include <cstdio>

#include "common/report/report_args.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {
int run_report_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags(report_flags());
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker report [OPTIONS]\n\nTokens and cost from the "
                    "local store, nested by the given dimensions.");
  if (!args) return args.exit_code();
  auto request = parse_report_args(*args);
  if (!request) return fail(request.error().message, kExitUsage);
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  const std::string state_dir = config->str("state_dir");
  struct stat st {};
  if (::stat((state_dir + "/tracker.db").c_str(), &st) != 0)
    return fail("no local store at " + state_dir +
                "/tracker.db; run 'codepulse-tracker scan' first");
  auto store = LocalStore::open(state_dir, /*writer=*/false);
  if (!store) return fail(store.error().message);
  // Priced with the tracker's book: prices_file, the collector's, or embedded.
  auto prices = load_pricer(*config);
  if (!prices) return fail(prices.error().message);
  auto report = report::build_report(store->database(), request->query, *prices);
  if (!report) return fail(report.error().message);
  const std::string out = report::render(*report, request->format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::tracker
