// codepulse-tracker run | status | config show: the background service and
// what it says about itself.
#include <sys/stat.h>

#include <cstdio>

#include "common/json_writer.hpp"
#include "common/log/logger.hpp"
#include "common/report/output_sinks.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"
#include "tracker/cli/commands.hpp"
#include "tracker/cli/options.hpp"
#include "tracker/daemon/daemon.hpp"
#include "tracker/daemon/instance_lock.hpp"
#include "tracker/daemon/status_file.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/ship/ship_status.hpp"

namespace codepulse::tracker {

using report::counted;
using report::terminal_text;
using report::with_thousands;
namespace {

std::string age(int64_t ms) {
  const int64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 172800) return std::to_string(s / 3600) + " h";
  return report::counted(s / 86400, "day");
}

// The price book in force: the running daemon's, else the one a scan or a
// report would use now.
PriceBookStatus price_book_status(const Config& config, const Result<DaemonStatus>& daemon,
                                  bool running) {
  if (running && daemon && !daemon->prices.revision.empty()) return daemon->prices;
  auto choice = load_prices(config);
  if (choice) return choice->status();
  PriceBookStatus p;
  p.last_error = choice.error().message;
  return p;
}

std::string price_book_line(const PriceBookStatus& p, int64_t now) {
  if (p.revision.empty()) return "Price book: cannot be read: " + p.last_error;
  std::string line = "Price book: revision " + p.revision;
  if (p.origin == "collector")
    line += ", from the collector" + (p.path.empty() ? "" : " (saved in " + p.path + ")");
  else if (p.origin == "prices_file")
    line += ", from prices_file " + p.path + " (the collector's book is not fetched)";
  else
    line += ", built into this tracker";
  if (p.checked_ms) line += "; checked with the collector " + age(now - p.checked_ms) + " ago";
  line += ".";
  if (!p.last_error.empty()) line += "\n  " + p.last_error;
  return line;
}

}  // namespace

int run_daemon_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags({{"help", false, false, "show this help"}});
  const auto args = parse_command(
      kProgram, argv, specs,
      "Usage: codepulse-tracker run [--config FILE] [OPTIONS]\n\n"
      "Runs in the foreground as the background service: watches the Claude Code "
      "folders and stores what is new within a second. SIGTERM/SIGINT stop it, "
      "SIGHUP reopens log_file (after logrotate moved it) and reloads the configuration.");
  if (!args) return args.exit_code();
  if (!args->positional().empty())
    return fail("run takes no arguments: " + args->positional()[0], kExitUsage);
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  auto options = daemon_options(*config, env);
  if (!options) return fail(options.error().message, kExitUsage);
  auto prices = load_prices(*config);
  if (!prices) return fail(prices.error().message, kExitUsage);
  auto level = parse_log_level(config->str("log_level"));
  if (!level) return fail(level.error().message, kExitUsage);
  auto log = Logger::open(config->str("log_file"), *level, config->num("log_rate_limit"));
  if (!log) return fail(log.error().message);
  // The state folder must exist before the lock file is taken in it.
  if (auto s = LocalStore::prepare_state_dir(options->state_dir); !s)
    return fail(s.error().message);
  Logger& logger = *log;
  const Args parsed = *args;
  ReloadFn reload = [&env, parsed, &logger]() -> Result<DaemonOptions> {
    auto fresh = load_config(parsed, env);
    if (!fresh) return fresh.error();
    auto lv = parse_log_level(fresh->str("log_level"));
    if (!lv) return lv.error();
    logger.set_level(*lv);
    return daemon_options(*fresh, env);
  };
  return run_daemon(env, std::move(options).value(), logger, std::move(prices).value(), reload);
}

int run_status_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs =
      with_config_flags({{"json", false, false, "print the status as one JSON object"},
                         {"help", false, false, "show this help"}});
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker status [--json] [OPTIONS]\n\nWhether the "
                    "service runs, what it watches, and the state of the local queue.");
  if (!args) return args.exit_code();
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  const std::string state_dir = config->str("state_dir");
  struct stat st {};
  if (::stat((state_dir + "/tracker.db").c_str(), &st) != 0)
    return fail("no local store at " + state_dir + "; run 'codepulse-tracker scan' or 'run' first");
  const auto holder = InstanceLock::holder(state_dir);
  auto daemon = read_status(state_dir);
  auto store = LocalStore::open(state_dir, /*writer=*/false);
  if (!store) return fail(store.error().message);
  auto q = store->queue_stats();
  if (!q) return fail(q.error().message);
  auto problems = store->files_with_problems();
  if (!problems) return fail(problems.error().message);
  auto commits = CommitStore(store->database()).stats();
  if (!commits) return fail(commits.error().message);
  const int64_t now = now_utc_ms();
  const PriceBookStatus prices = price_book_status(*config, daemon, holder.has_value());
  if (args->has("json")) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().field("running", holder.has_value());
    if (holder && holder->pid_known()) w.field("pid", static_cast<int64_t>(holder->pid));
    if (holder && daemon) {
      w.field("watcher", daemon->watcher)
          .field("watcher_note", daemon->watcher_note)
          .field("watched_folders", daemon->watched_folders)
          .field("files", daemon->files)
          .field("rounds", daemon->rounds)
          .field("last_round", format_iso8601_utc_ms(daemon->last_round_ms));
    }
    w.field("records", q->records)
        .field("unshipped", q->unshipped)
        .field("oldest_unshipped_age_s",
               q->oldest_unshipped_ms ? (now - *q->oldest_unshipped_ms) / 1000 : 0)
        .field("store_bytes", q->used_bytes)
        .field("evicted_shipped", q->evicted_shipped)
        .field("evicted_unshipped", q->evicted_unshipped)
        .field("expired", q->expired)
        .field("quarantined", q->quarantined)
        .field("last_error", daemon ? daemon->last_error : std::string());
    w.key("commits")
        .begin_object()
        .field("queued", commits->commits)
        .field("unshipped", commits->unshipped)
        .field("quarantined", commits->quarantined)
        .field("by_others_not_sent", commits->by_others)
        .field("not_ours_dropped", commits->not_ours_dropped)
        .end_object();
    w.key("prices")
        .begin_object()
        .field("revision", prices.revision)
        .field("origin", prices.origin)
        .field("path", prices.path)
        .field("checked", prices.checked_ms ? format_iso8601_utc_ms(prices.checked_ms) : "")
        .field("changed", prices.changed_ms ? format_iso8601_utc_ms(prices.changed_ms) : "")
        .field("last_error", prices.last_error)
        .end_object();
    if (holder && daemon && daemon->ship) {
      const ShipStatus& h = *daemon->ship;
      w.key("ship").begin_object();
      write_ship_counts(w, h);
      w.field("consecutive_failures", h.failures)
          .field("last_http_status", int64_t{h.last_http_status})
          .field("last_error", h.last_error)
          .field("last_success",
                 h.last_success_ms ? format_iso8601_utc_ms(h.last_success_ms) : std::string())
          .field("next_attempt", h.failures > 0 && h.next_attempt_ms
                                     ? format_iso8601_utc_ms(h.next_attempt_ms)
                                     : std::string())
          .end_object();
    }
    w.key("parse_errors").begin_object();
    for (const auto& [path, n] : *problems)
      w.field(path, n);
    w.end_object().end_object();
    std::puts(out.c_str());
    return kExitOk;
  }
  if (holder) {
    if (holder->pid_known())
      std::printf("codepulse-tracker is running (pid %ld)", holder->pid);
    else
      std::printf("codepulse-tracker is starting (its pid is not written yet)");
    if (daemon)
      std::printf(", watching %s with %s, %s known, last round %s ago",
                  counted(daemon->watched_folders, "folder").c_str(), daemon->watcher.c_str(),
                  counted(daemon->files, "file").c_str(), age(now - daemon->last_round_ms).c_str());
    std::puts(".");
    if (daemon && !daemon->watcher_note.empty())
      std::printf("  polling because: %s\n", terminal_text(daemon->watcher_note).c_str());
  } else {
    std::puts("codepulse-tracker is not running.");
  }
  std::printf("Records stored: %s (%s unshipped", with_thousands(q->records).c_str(),
              with_thousands(q->unshipped).c_str());
  if (q->oldest_unshipped_ms)
    std::printf(", oldest %s old", age(now - *q->oldest_unshipped_ms).c_str());
  std::printf("); store uses %s.\n", counted(q->used_bytes, "byte").c_str());
  std::printf("Evictions: %s shipped, %s unshipped; %s expired.\n",
              with_thousands(q->evicted_shipped).c_str(),
              with_thousands(q->evicted_unshipped).c_str(),
              counted(q->expired, "shipped record").c_str());
  if (holder && daemon && daemon->ship) {
    const ShipStatus& h = *daemon->ship;
    std::printf("Shipping to %s: %s in %s since start", terminal_text(h.collector).c_str(),
                counted(h.records_shipped, "record").c_str(),
                counted(h.batches_shipped, "batch", "batches").c_str());
    if (h.last_success_ms)
      std::printf(", last success %s ago", age(now - h.last_success_ms).c_str());
    std::puts(".");
    if (h.failures > 0)
      std::printf("  failing (%s, next in %s): %s\n", counted(h.failures, "attempt").c_str(),
                  age(std::max<int64_t>(0, h.next_attempt_ms - now)).c_str(),
                  terminal_text(h.last_error).c_str());
  } else if (holder && daemon) {
    std::puts("Not shipping: no collector configured (records stay in the local queue).");
  }
  std::puts(price_book_line(prices, now).c_str());
  if (commits->commits + commits->by_others + commits->not_ours_dropped > 0) {
    std::printf("Commits: %s queued (%s unshipped, %s quarantined)",
                with_thousands(commits->commits).c_str(),
                with_thousands(commits->unshipped).c_str(),
                with_thousands(commits->quarantined).c_str());
    if (commits->by_others + commits->not_ours_dropped > 0)
      std::printf("; %s by others not sent",
                  counted(commits->by_others + commits->not_ours_dropped, "commit").c_str());
    std::puts(".");
  }
  if (q->quarantined > 0)
    std::printf(
        "Quarantined: %s the collector refused; see 'codepulse-tracker queue "
        "quarantine', resend with 'queue release'.\n",
        counted(q->quarantined, "record").c_str());
  if (daemon && !daemon->last_error.empty())
    std::printf("Last error (%s ago): %s\n", age(now - daemon->last_error_ms).c_str(),
                terminal_text(daemon->last_error).c_str());
  if (!problems->empty()) {
    std::puts("Files with malformed lines:");
    for (const auto& [path, n] : *problems)
      std::printf("  %6s  %s\n", with_thousands(n).c_str(), terminal_text(path).c_str());
  }
  return kExitOk;
}

int run_config_command(const Environment& env, const std::vector<std::string>& argv) {
  const auto specs = with_config_flags({{"help", false, false, "show this help"}});
  const auto args =
      parse_command(kProgram, argv, specs,
                    "Usage: codepulse-tracker config show [--config FILE] [OPTIONS]\n\n"
                    "Prints the effective configuration and where each value came from.",
                    NeedsArguments::kYes);
  if (!args) return args.exit_code();
  if (args->positional()[0] != "show")
    return fail("config: unknown subcommand '" + args->positional()[0] + "' (use: config show)",
                kExitUsage);
  auto config = load_config(*args, env);
  if (!config) return fail(config.error().message, kExitUsage);
  const std::string out = config->render();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace codepulse::tracker
