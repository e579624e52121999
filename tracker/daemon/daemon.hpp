// The background service: `scan` continuously. One io_context; file events
// from the watcher, signals and (only after a failure) a retry timer are its
// only wake-ups.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/environment.hpp"
#include "common/log/logger.hpp"
#include "common/pricing/pricer.hpp"
#include "tracker/flow/git_scan.hpp"
#include "tracker/flow/scanner.hpp"
#include "tracker/ship/price_book_file.hpp"
#include "tracker/ship/ship_options.hpp"
#include "tracker/watch/watcher.hpp"

namespace codepulse::tracker {

struct DaemonOptions {
  std::string state_dir;
  std::vector<std::string> claude_roots;   // Claude Code projects folders, existing or not
  std::vector<std::string> watch_roots;    // those and the other assistants' (scan.sources)
  std::vector<std::string> explicit_dirs;  // --claude-dir / claude_dirs, for rescans
  ScanOptions scan;    // strip options, limits (projects_dirs filled per rescan)
  WatchOptions watch;  // roots filled from watch_roots
  int64_t queue_max_bytes = 256ll << 20;
  int64_t retention_days = 90;
  std::optional<ShipOptions> ship;  // nullopt: only queue
  GitScanOptions git;               // commit metadata, read on its own thread
};

// Reloads settings on SIGHUP: returns new options or an error (kept: old ones).
using ReloadFn = std::function<Result<DaemonOptions>()>;

// Runs until SIGTERM/SIGINT; SIGUSR1 ships the queue now. Returns the exit code.
// Records are priced with `prices`; unless it is a prices_file, the
// collector's book replaces it when it changes (tracker/ship/price_refresh.hpp).
int run_daemon(const Environment& env, DaemonOptions options, Logger& log, PriceBookChoice prices,
               ReloadFn reload);

}  // namespace codepulse::tracker
