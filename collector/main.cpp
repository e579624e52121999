// codepulse-collector: the central server. Serves tracker ingest over HTTPS,
// manages API tokens, and reports usage from its store.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "collector/cli/commands.hpp"
#include "common/sqlite_library.hpp"
#include "common/version.hpp"

namespace codepulse::collector {

int fail(const std::string& message, int code) {
  return fail_command(kProgram, message, code);
}

int print_version() {
  std::printf("codepulse-collector %s\n", kVersion);
  return kExitOk;
}

namespace {

const char* kTopUsage =
    "Usage: codepulse-collector COMMAND [OPTIONS]\n"
    "\n"
    "The central codepulse server: authenticated ingest of tracker batches, storage,\n"
    "attribution and reports.\n"
    "\n"
    "Commands:\n"
    "  serve          the HTTPS server: batches, webhooks, reports, the dashboard (serve --help)\n"
    "  report         spend and outcomes from the store, nested by any dimensions\n"
    "  leverage       the leverage score of given activity and spend, by hand\n"
    "  cert create    a local CA and server certificate to try it out\n"
    "  cert fingerprint  the SHA-256 of a certificate, for pins and enrolment\n"
    "  token create   make an API token for an author (printed once, stored hashed)\n"
    "  token list     the tokens: id, author, role, created, revoked, label\n"
    "  token revoke   refuse a token from now on\n"
    "  prices         the price book and organisation rates, their history (prices --help)\n"
    "  seats          flat-fee seats spread over their holders' usage (seats --help)\n"
    "  budgets        amounts per month or week, their state and overrides (budgets --help)\n"
    "  people         the people directory: persons, teams, levels (people --help)\n"
    "  audit          the audit log: views, exports, changes, logins (audit --help)\n"
    "  statement      a month for finance: list, organisation and effective cost, seats\n"
    "  export focus   a month of AI assistant spend as a FinOps FOCUS 1.2 CSV\n"
    "  waste          spend that never reached the product, per rule (docs/WASTE.md)\n"
    "  anomalies      spend that stands out against its own history, explained\n"
    "  deployments    deployments, failures, DORA metrics AI vs other (deployments --help)\n"
    "  tasks classes  cost and outcomes per task class: median, p75, p90, outliers\n"
    "  hotspots       files changed most, by most people, recently rewritten (docs/HOTSPOTS.md)\n"
    "  digest show    the weekly digest of a team or the organisation (digest --help)\n"
    "  reconcile      a month next to the providers' usage and cost: differences, explained\n"
    "  import-usage   a provider's usage or cost export (JSON or CSV), for reconcile\n"
    "  alerts         the alert outbox; a test alert to a receiver (alerts --help)\n"
    "  backup         an online copy of a SQLite store; restoring it heals the trackers' data\n"
    "  restored       a new store generation after restoring any other backup\n"
    "\n"
    "Run 'codepulse-collector COMMAND --help' for a command's options; every command\n"
    "also takes --version. Errors are one line on standard error that says what to do.\n"
    "Exit codes: 0 success, 1 failure, 2 bad command line.";

}  // namespace
}  // namespace codepulse::collector

int main(int argc, char** argv) {
  using namespace codepulse;
  using namespace codepulse::collector;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::puts(kTopUsage);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") return print_version();
  (void)sql::configure_library();  // before any database opens
  const std::string command = args[0];
  args.erase(args.begin());
  // Every command and subcommand answers --version.
  if (std::find(args.begin(), args.end(), "--version") != args.end()) return print_version();
  if (command == "token") return run_token_command(args);
  if (command == "serve") return run_serve_command(args);
  if (command == "report") return run_report_command(args);
  if (command == "cert") return run_cert_command(args);
  if (command == "prices") return run_prices_command(args);
  if (command == "seats") return run_seats_command(args);
  if (command == "budgets") return run_budgets_command(args);
  if (command == "people") return run_people_command(args);
  if (command == "audit") return run_audit_command(args);
  if (command == "statement") return run_statement_command(args);
  if (command == "leverage") return run_leverage_command(args);
  if (command == "backup") return run_backup_command(args);
  if (command == "restored") return run_restored_command(args);
  if (command == "export") return run_export_command(args);
  if (command == "reconcile") return run_reconcile_command(args);
  if (command == "import-usage") return run_import_usage_command(args);
  if (command == "alerts") return run_alerts_command(args);
  if (command == "waste") return run_waste_command(args);
  if (command == "anomalies") return run_anomalies_command(args);
  if (command == "deployments") return run_deployments_command(args);
  if (command == "tasks") return run_tasks_command(args);
  if (command == "hotspots") return run_hotspots_command(args);
  if (command == "digest") return run_digest_command(args);
  return fail("unknown command '" + command + "' (see --help)", kExitUsage);
}
