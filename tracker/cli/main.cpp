// codepulse-tracker: reads Claude Code transcripts into a local store of
// stripped usage records, and reports from it.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(CODEPULSE_MIMALLOC)
#include <mimalloc.h>
#endif

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
    "takes --version ('codepulse-tracker --build-info': the libraries it runs with).\n"
    "Errors are one line on standard error that says what to do.\n"
    "Exit codes: 0 success, 1 failure, 2 bad command line or configuration.";

// Which malloc this process runs with: mimalloc's when linked in and
// serving the C library's malloc (a block malloc() gives lies in its heap).
std::string allocator_in_use() {
#if defined(CODEPULSE_MIMALLOC)
  const int v = mi_version();
  const std::string name = "mimalloc " + std::to_string(v / 100) + "." +
                           std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
  void* probe = std::malloc(64);
  const bool serving = mi_is_in_heap_region(probe);
  std::free(probe);
  return serving ? name : name + " linked, but another malloc serves";
#else
  return "the C library's malloc";
#endif
}

// mimalloc keeps the pages a thread freed for its next allocations. A
// one-shot command exits soon after; the background service, idle after its
// first round, would keep that round's peak for good (25 MiB against glibc's
// 19.5 in bench/daemon_footprint.sh). There freed pages go back to the
// system at once and segments are committed as they fill: a peak of 22 MiB,
// 16 MiB after the round, for about 3% more CPU in a cold scan
// (docs/BENCHMARKS.md, "The allocator").
void configure_allocator([[maybe_unused]] bool long_running) {
#if defined(CODEPULSE_MIMALLOC)
  if (!long_running) return;
  mi_option_set(mi_option_page_reset, 1);
  mi_option_set(mi_option_decommit_delay, 0);
  mi_option_set(mi_option_eager_commit, 0);
#endif
}

int print_build_info() {
  std::printf("codepulse-tracker %s\n", codepulse::kVersion);
  std::printf("allocator  %s\n", allocator_in_use().c_str());
  std::printf("sqlite     %s\n", sqlite3_libversion());
  return kExitOk;
}

}  // namespace
}  // namespace codepulse::tracker

int main(int argc, char** argv) {
  using namespace codepulse;
  using namespace codepulse::tracker;
  std::vector<std::string> args(argv + 1, argv + argc);
  configure_allocator(!args.empty() && args[0] == "run");
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::puts(kTopUsage);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    std::printf("codepulse-tracker %s\n", codepulse::kVersion);
    return kExitOk;
  }
  if (args[0] == "--build-info") return print_build_info();
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
