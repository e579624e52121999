// The daemon's git metadata reader: GitScan every git_scan_interval on its
// own thread with its own connection to tracker.db, so a long first read of a
// large repository never holds up the tailing of logs. Stopping it cancels a
// running git command and joins the thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/log/logger.hpp"
#include "tracker/flow/git_scan.hpp"

namespace codepulse::tracker {

class GitScanService {
 public:
  // Called on the service's thread after a pass that queued commits.
  using QueuedFn = std::function<void(int64_t commits_new)>;

  GitScanService(std::string state_dir, GitScanOptions options, Logger& log, QueuedFn on_queued);
  ~GitScanService();  // stops
  GitScanService(const GitScanService&) = delete;
  GitScanService& operator=(const GitScanService&) = delete;

  void start();
  void stop();
  const GitScanOptions& options() const { return options_; }

 private:
  void loop(const std::stop_token& stop);
  void pass(sql::Database& db, const std::stop_token& stop);

  std::string state_dir_;
  GitScanOptions options_;
  Logger& log_;
  QueuedFn on_queued_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace codepulse::tracker
