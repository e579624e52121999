// codepulse-tracker scan: read what is new in every Claude Code log.
#include <cstdio>

#include "common/json_writer.hpp"
#include "common/report/output_sinks.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/daemon/instance_lock.hpp"
#include "tracker/flow/git_scan.hpp"
#include "tracker/queue/local_store.hpp"

namespace codepulse::tracker {

using report::counted;
using report::terminal_text;
using report::with_thousands;

int run_scan_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs =
      with_config_flags({{"json", false, false, "print the counts as one JSON object"},
                         {"quiet", false, false, "do not list problems with single files or lines"},
                         {"help", false, false, "show this help"}});
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker scan [OPTIONS]\n\nReads what is new in every Claude "
                    "Code log into the local store, once, then the new commits of the "
                    "repositories the sessions ran in (unless git_metadata = false).");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("scan takes no arguments: " + args->positional()[0], kExitUsage);
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  auto options = scan_options(*config, env);
  if (!options) return fail(options.error().message);
  auto prices = load_pricer(*config);
  if (!prices) return fail(prices.error().message);
  // One writer per store: a running daemon or another scan holds the lock.
  const std::string state_dir = config->str("state_dir");
  if (auto s = LocalStore::prepare_state_dir(state_dir); !s) return fail(s.error().message);
  auto lock = InstanceLock::acquire(state_dir);
  if (!lock)
    return fail(lock.error().message + " (a running daemon already keeps the store up to date)");
  auto store = LocalStore::open(state_dir);
  if (!store) return fail(store.error().message);
  options->line_key = line_provenance_key(*config, state_dir);
  options->line_days = config->num("line_provenance_days");

  Scanner scanner(*store, *prices, *options);
  auto stats = scanner.scan_all();
  if (!args->has("quiet")) {
    for (const auto& p : scanner.problems())
      std::fprintf(stderr, "codepulse-tracker: %s: %s\n", terminal_text(p.path).c_str(),
                   terminal_text(p.message).c_str());
  }
  if (!stats) return fail(stats.error().message);
  const ScanStats& s = *stats;
  GitScan git_scan(store->database(), git_scan_options(*config, *options));
  auto git = git_scan.run(now_utc_ms());
  if (!git) return fail(git.error().message);
  if (!args->has("quiet")) {
    for (const auto& p : git->problems)
      std::fprintf(stderr, "codepulse-tracker: git: %s\n", terminal_text(p).c_str());
  }
  if (args->has("json")) {
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("files", s.files)
        .field("bytes_read", s.bytes_read)
        .field("lines", s.lines)
        .field("records_new", s.records_new)
        .field("advisor_records_new", s.advisor_records_new)
        .field("duplicates", s.duplicates)
        .field("malformed_lines", s.malformed_lines)
        .field("skipped_files", s.skipped_files)
        .field("records_updated", s.records_updated)
        .field("synthetic_lines", s.synthetic_lines)
        .field("files_reset", s.files_reset)
        .field("unpriced_records", s.unpriced_records)
        .field("tool_results", s.tool_results)
        .field("git_repos", git->repos)
        .field("git_repos_excluded", git->repos_excluded)
        .field("git_repos_failed", git->repos_failed)
        .field("commits_new", git->commits_new)
        .field("commits_known", git->commits_known)
        .field("commits_by_others", git->commits_by_others);
    w.key("files_by_assistant").begin_object();
    for (const auto& [assistant, n] : s.files_by_assistant)
      w.field(assistant, n);
    w.end_object().end_object();
    std::puts(out.c_str());
  } else {
    const std::string advisors =
        s.advisor_records_new > 0
            ? " (" + with_thousands(s.advisor_records_new) + " of them advisor calls)"
            : std::string();
    std::printf("Scanned %s (%s, %s): %s%s, %s, %s, %s.\n", counted(s.files, "file").c_str(),
                counted(s.bytes_read, "byte").c_str(), counted(s.lines, "line").c_str(),
                counted(s.records_new, "new record").c_str(), advisors.c_str(),
                counted(s.duplicates, "duplicate").c_str(),
                counted(s.malformed_lines, "malformed line").c_str(),
                counted(s.skipped_files, "skipped file").c_str());
    if (s.files_by_assistant.size() > 1 ||
        (s.files_by_assistant.size() == 1 && s.files_by_assistant[0].first != "claude-code")) {
      std::string by;
      for (const auto& [assistant, n] : s.files_by_assistant)
        by += (by.empty() ? "" : ", ") + std::string(assistant) + " " + with_thousands(n);
      std::printf("Files by assistant: %s.\n", by.c_str());
    }
    if (git->repos + git->repos_failed > 0) {
      std::printf("Read %s: %s", counted(git->repos, "repository", "repositories").c_str(),
                  counted(git->commits_new, "new commit").c_str());
      if (git->commits_by_others > 0)
        std::printf(", %s by others not sent", counted(git->commits_by_others, "commit").c_str());
      std::puts(".");
    }
    if (options->projects_dirs.empty() && s.files == 0)
      std::puts(
          "No assistant logs found (Claude Code: ~/.claude, ~/.config/claude; the others: "
          "docs/ASSISTANTS.md).");
  }
  if (s.unpriced_records > 0)
    std::fprintf(stderr,
                 "codepulse-tracker: warning: %s %s models without a known price; "
                 "stored with cost null (add them with --prices FILE)\n",
                 counted(s.unpriced_records, "record").c_str(),
                 s.unpriced_records == 1 ? "uses" : "use");
  return kExitOk;
}

}  // namespace codepulse::tracker
