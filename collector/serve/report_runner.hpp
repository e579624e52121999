// Reports for GET /v1/report run here, on their own thread, so a long report
// never holds up ingest or the network threads. The thread owns the live
// report cube (common/report/usage_cube.hpp): it builds it from the store at
// start, folds in every commit the store reports after that, and answers
// from it. A report whose range is not on quarter hours is answered from
// the store's records of that range instead. At most `max_queued` wait; more
// are refused (503).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "collector/store/store.hpp"
#include "common/log/logger.hpp"
#include "common/report/report.hpp"

namespace codepulse::collector {

// The prefix of a report error that means "the store cannot be read now" (503).
inline constexpr const char* kStoreUnavailable = "the store is unavailable";

struct ReportJob {
  report::ReportRequest request;
  std::optional<Result<std::string>> rendered;  // set before `done` runs
  std::function<void()> done;                   // runs on the report thread
};

// What the cube holds, for /metrics.
struct CubeStats {
  bool ready = false;
  int64_t records = 0, groups = 0, memory_bytes = 0;
  int64_t build_ms = 0;
};

class ReportRunner {
 public:
  // `max_nodes`: reports that would return more nodes fail (0: no limit).
  ReportRunner(Store& store, Logger& log, size_t max_nodes, report::LeverageWeights weights = {},
               size_t max_queued = 8);
  ~ReportRunner();
  ReportRunner(const ReportRunner&) = delete;
  ReportRunner& operator=(const ReportRunner&) = delete;

  // False when stopped or full: the job was not queued.
  bool submit(std::shared_ptr<ReportJob> job);
  void stop();
  CubeStats stats() const;

 private:
  void run();
  void build_cube(report::UsageCube& cube);
  void apply_changes(report::UsageCube& cube);
  Result<std::string> answer(const report::ReportRequest& request, report::UsageCube* cube);

  Store& store_;
  Logger& log_;
  const size_t max_nodes_;
  const report::LeverageWeights weights_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<ReportJob>> jobs_;
  std::vector<UsageChange> changes_;  // committed, not yet in the cube
  bool stopping_ = false;
  std::atomic<bool> stop_scan_{false};
  CubeStats stats_;
  std::chrono::steady_clock::time_point memory_measured_{};  // report thread only
  std::thread worker_;
};

}  // namespace codepulse::collector
