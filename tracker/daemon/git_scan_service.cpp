#include "tracker/daemon/git_scan_service.hpp"

#include <chrono>

#include "common/time.hpp"

namespace codepulse::tracker {

GitScanService::GitScanService(std::string state_dir, GitScanOptions options, Logger& log,
                               QueuedFn on_queued)
    : state_dir_(std::move(state_dir)),
      options_(std::move(options)),
      log_(log),
      on_queued_(std::move(on_queued)) {}

GitScanService::~GitScanService() {
  stop();
}

void GitScanService::start() {
  if (!options_.enabled || thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void GitScanService::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  wake_.notify_all();
  thread_.join();
}

void GitScanService::loop(const std::stop_token& stop) {
  const std::string path = state_dir_ + "/tracker.db";
  auto db = sql::Database::open(path, /*create=*/false);
  if (!db) {
    log_.error("git", "git metadata is not read: cannot open " + path + ": " + db.error().message);
    return;
  }
  while (!stop.stop_requested()) {
    pass(*db, stop);
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, std::chrono::milliseconds(options_.interval_ms),
                   [] { return false; });
  }
}

void GitScanService::pass(sql::Database& db, const std::stop_token& stop) {
  GitScan scan(db, options_, [&stop] { return stop.stop_requested(); });
  auto stats = scan.run(now_utc_ms());
  if (stop.stop_requested()) return;
  if (!stats) {
    log_.error("git", "reading git metadata failed, trying again in " +
                          std::to_string(options_.interval_ms / 1000) +
                          " s: " + stats.error().message);
    return;
  }
  for (const std::string& p : stats->problems)
    log_.warn("git", p);
  if (stats->commits_new > 0) {
    log_.info("git", "queued " + std::to_string(stats->commits_new) + " new commits from " +
                         std::to_string(stats->repos) + " repositories");
    if (on_queued_) on_queued_(stats->commits_new);
  }
  if (stats->commits_by_others > 0)
    log_.info("git", std::to_string(stats->commits_by_others) +
                         " new commits by others not sent (neither their author nor their "
                         "committer is this tracker's)");
}

}  // namespace codepulse::tracker
