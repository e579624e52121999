// Reports for GET /v1/report run here, on their own thread and read-only
// database connection, so a long report never holds up ingest or the
// network threads. At most `max_queued` wait; more are refused (503).
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/report/report.hpp"

namespace codepulse::collector {

struct ReportJob {
  report::ReportRequest request;
  std::optional<Result<std::string>> rendered;  // set before `done` runs
  std::function<void()> done;                   // runs on the report thread
};

class ReportRunner {
 public:
  ReportRunner(std::string db_path, size_t max_queued = 8);
  ~ReportRunner();
  ReportRunner(const ReportRunner&) = delete;
  ReportRunner& operator=(const ReportRunner&) = delete;

  // False when stopped or full: the job was not queued.
  bool submit(std::shared_ptr<ReportJob> job);
  void stop();

 private:
  void run();

  const std::string db_path_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<ReportJob>> jobs_;
  bool stopping_ = false;
  sqlite3* running_db_ = nullptr;  // the report thread's connection while it runs one
  std::thread worker_;
};

}  // namespace codepulse::collector
