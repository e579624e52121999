#include "collector/serve/report_runner.hpp"

#include <chrono>

#include "collector/report/store_report.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::collector {
namespace {

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

}  // namespace

ReportRunner::ReportRunner(Store& store, Logger& log, size_t max_nodes,
                           report::LeverageWeights weights, size_t max_queued)
    : store_(store),
      log_(log),
      max_nodes_(max_nodes),
      weights_(weights),
      max_queued_(max_queued),
      worker_([this] { run(); }) {}

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

CubeStats ReportRunner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void ReportRunner::stop() {
  std::deque<std::shared_ptr<ReportJob>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  // A scan running now is cut short (its reply says it failed).
  stop_scan_ = true;
  wake_.notify_one();
  for (auto& job : dropped) {  // no result: their replies say 503
    auto done = std::move(job->done);
    job->done = nullptr;
    if (done) done();
  }
  if (worker_.joinable()) worker_.join();
  store_.unfollow_usage();
}

void ReportRunner::build_cube(report::UsageCube& cube) {
  const auto start = std::chrono::steady_clock::now();
  auto followed = store_.follow_usage(
      [&](const report::UsageFact& f) {
        cube.add(f);
        return !stop_scan_.load(std::memory_order_relaxed);
      },
      [this](std::vector<UsageChange>&& changes) {
        {
          std::lock_guard lock(mu_);
          if (changes_.empty())
            changes_ = std::move(changes);
          else
            std::move(changes.begin(), changes.end(), std::back_inserter(changes_));
        }
        wake_.notify_one();
      });
  if (!followed) {
    if (!stop_scan_)
      log_.warn("reports", "cannot build the report cube (" + followed.error().message +
                               "): reports read the database");
    return;
  }
  apply_changes(cube);
  std::lock_guard lock(mu_);
  stats_.ready = true;
  stats_.build_ms = elapsed_ms(start);
  log_.info("reports", "report cube ready: " + std::to_string(cube.record_count()) +
                           " records in " + std::to_string(cube.group_count()) + " groups, " +
                           std::to_string(cube.memory_bytes() >> 20) + " MiB, built in " +
                           std::to_string(stats_.build_ms) + " ms");
}

void ReportRunner::apply_changes(report::UsageCube& cube) {
  std::vector<UsageChange> changes;
  {
    std::lock_guard lock(mu_);
    changes.swap(changes_);
  }
  for (const UsageChange& c : changes) {
    if (c.before) cube.add(*c.before, -1);
    if (c.after) cube.add(*c.after);
  }
  // The memory walk visits every turn: at most once a second, and outside
  // the lock the store's listener takes at every commit.
  const auto now = std::chrono::steady_clock::now();
  std::optional<int64_t> bytes;
  if (now - memory_measured_ >= std::chrono::seconds(1)) {
    memory_measured_ = now;
    bytes = static_cast<int64_t>(cube.memory_bytes());
  }
  std::lock_guard lock(mu_);
  stats_.records = cube.record_count();
  stats_.groups = static_cast<int64_t>(cube.group_count());
  if (bytes) stats_.memory_bytes = *bytes;
}

Result<std::string> ReportRunner::answer(const report::ReportRequest& request,
                                         report::UsageCube* cube) {
  if (cube && report::UsageCube::answers(request.query)) {
    auto epics = store_.load_epics();
    if (!epics) return epics.error();
    auto r = report::query_cube(*cube, request.query, *epics, outcome_reader(store_));
    if (!r) return r.error();
    return report::render(*r, request.format);
  }
  auto r = report::build_report(
      [this](int64_t since, int64_t until, bool with_tools, report::EpicMap& epics,
             const std::function<bool(const report::UsageFact&)>& fn) {
        return store_.read_usage(since, until, with_tools, epics, [&](const report::UsageFact& f) {
          return !stop_scan_.load(std::memory_order_relaxed) && fn(f);
        });
      },
      request.query, outcome_reader(store_));
  if (!r) return r.error();
  return report::render(*r, request.format);
}

void ReportRunner::run() {
  report::UsageCube cube;
  build_cube(cube);
  const bool live = stats().ready;
  while (true) {
    std::shared_ptr<ReportJob> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty() || !changes_.empty(); });
      if (stopping_ && jobs_.empty()) return;
      if (!jobs_.empty()) {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
    }
    std::optional<Error> behind;
    if (live) {
      // Every commit up to now, this collector's or another's, is in the
      // report; a report that cannot be sure of that is refused, not stale.
      if (job) {
        if (auto s = store_.sync_usage(); !s)
          behind = make_error(std::string(kStoreUnavailable) + ": " + s.error().message);
      }
      apply_changes(cube);
    } else {
      std::lock_guard lock(mu_);
      changes_.clear();
    }
    if (!job) continue;
    job->request.query.max_nodes = max_nodes_;
    job->request.query.weights = weights_;
    job->rendered =
        behind ? Result<std::string>(*behind) : answer(job->request, live ? &cube : nullptr);
    auto done = std::move(job->done);
    job->done = nullptr;
    if (done) done();
  }
}

}  // namespace codepulse::collector
