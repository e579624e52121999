// codepulse-tracker: reads Claude Code transcripts into a local store of
// stripped usage records, and reports from it.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common/environment.hpp"
#include "common/sqlite_library.hpp"
#include "common/version.hpp"
#include "tracker/cli/commands.hpp"

namespace codepulse::tracker {

int fail(const std::string& message, int code) {
  return fail_command(kProgram, message, code);
}

namespace {

const char* kTopUsage =
    "Usage: codepulse-tracker COMMAND [OPTIONS]\n"
    "\n"
    "Reads Claude Code session logs, keeps only token counts, cost and metadata\n"
    "(never prompts, answers, tool input/output or code) in a local SQLite store,\n"
    "and ships them to a codepulse collector over HTTPS when one is configured.\n"
    "\n"
    "Commands:\n"
    "  scan         read what is new in every Claude Code log into the local store, once\n"
    "  run          the background service: watch the logs and store what is new\n"
    "  status       whether the service runs, what it watches, the local queue\n"
    "  report       tokens and cost from the local store, grouped by any dimensions\n"
    "  queue show   exactly what the next batch would send (also: queue export FILE)\n"
    "  queue decode the JSON of a batch file 'queue export' wrote (queue decode FILE)\n"
    "  queue quarantine  records the collector refused, and why (queue release: send again)\n"
    "  flush        ship the queue to the collector now\n"
    "  doctor       check folders, configuration, and the way to the collector\n"
    "  config show  the effective configuration and where each value came from\n"
    "  enroll       configure the collector from the line 'collector token create' prints\n"
    "  hook         the Claude Code hook: budget warnings and blocks (hook install, uninstall)\n"
    "\n"
    "Run 'codepulse-tracker COMMAND --help' for a command's options; every command also\n"
    "takes --version. Errors are one line on standard error that says what to do.\n"
    "Exit codes: 0 success, 1 failure, 2 bad command line or configuration.";

}  // namespace
}  // namespace codepulse::tracker

int main(int argc, char** argv) {
  using namespace codepulse;
  using namespace codepulse::tracker;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::puts(kTopUsage);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    std::printf("codepulse-tracker %s\n", codepulse::kVersion);
    return kExitOk;
  }
  (void)sql::configure_library();  // before any database opens
  const codepulse::Environment env = codepulse::Environment::from_process();
  const std::string command = args[0];
  args.erase(args.begin());
  // Every command and subcommand answers --version.
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    std::printf("codepulse-tracker %s\n", codepulse::kVersion);
    return kExitOk;
  }
  if (command == "scan") return run_scan_command(env, args);
  if (command == "report") return run_report_command(env, args);
  if (command == "run") return run_daemon_command(env, args);
  if (command == "status") return run_status_command(env, args);
  if (command == "config") return run_config_command(env, args);
  if (command == "queue") return run_queue_command(env, args);
  if (command == "flush") return run_flush_command(env, args);
  if (command == "doctor") return run_doctor_command(env, args);
  if (command == "enroll") return run_enroll_command(env, args);
  if (command == "hook") return run_hook_command(env, args);
  return fail("unknown command '" + command + "' (see --help)", kExitUsage);
}
