#include "collector/serve/report_runner.hpp"

#include "common/sqlite.hpp"

namespace codepulse::collector {

ReportRunner::ReportRunner(std::string db_path, size_t max_queued)
    : db_path_(std::move(db_path)), max_queued_(max_queued), worker_([this] { run(); }) {}

ReportRunner::~ReportRunner() {
  stop();
}

bool ReportRunner::submit(std::shared_ptr<ReportJob> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void ReportRunner::stop() {
  std::deque<std::shared_ptr<ReportJob>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(jobs_);
    // The report running now is cut short (its reply says it failed).
    if (running_db_) sqlite3_interrupt(running_db_);
  }
  wake_.notify_one();
  for (auto& job : dropped) {  // no result: their replies say 503
    auto done = std::move(job->done);
    job->done = nullptr;
    if (done) done();
  }
  if (worker_.joinable()) worker_.join();
}

void ReportRunner::run() {
  std::optional<sql::Database> db;
  while (true) {
    std::shared_ptr<ReportJob> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (!db) {
      auto opened = sql::Database::open(db_path_, /*create=*/false);
      if (opened && opened->exec("PRAGMA query_only=ON")) db.emplace(std::move(opened).value());
      if (!db)
        job->rendered = Result<std::string>(
            make_error("cannot open " + db_path_ + " for reports" +
                       (opened ? std::string() : ": " + opened.error().message)));
    }
    if (db) {
      {
        std::lock_guard lock(mu_);
        running_db_ = db->handle();
      }
      auto r = report::build_report(*db, job->request.query);
      {
        std::lock_guard lock(mu_);
        running_db_ = nullptr;
      }
      job->rendered = r ? Result<std::string>(report::render(*r, job->request.format))
                        : Result<std::string>(r.error());
    }
    auto done = std::move(job->done);
    job->done = nullptr;
    if (done) done();
  }
}

}  // namespace codepulse::collector
