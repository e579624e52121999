// Reports for GET /v1/report run here, on their own thread, so a long report
// never holds up ingest or the network threads. The thread owns the live
// report cube (common/report/usage_cube.hpp): it builds it from the store at
// start, folds in every commit the store reports after that, and answers
// from it. A report whose range is not on quarter hours is answered from
// the store's records of that range instead. At most `max_queued` wait; more
// are refused (503).
//
// Re-pricing: when the prices change (PricingState), a new cube is built
// with the new Pricer from a new snapshot of the store on a thread of its
// own, following the store's commits from there; reports meanwhile answer
// from the old cube (and say which prices answered), and the new one takes
// over when it is complete. Changes made by another process are noticed by
// polling the store every kPricingPollMs.
//
// With an analytics store (ClickHouse, docs/CLICKHOUSE.md) no cube is built:
// an AnalyticsFeed keeps ClickHouse equal to the store, and each report
// asks it to catch up, then answers from ClickHouse's groups
// (collector/analytics/clickhouse_report.hpp); reports the groups cannot
// answer (files, outcomes, ranges off the quarter hour, a range being
// re-priced) read the store's records of their range.
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

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/report/pricing_state.hpp"
#include "collector/serve/analytics_feed.hpp"
#include "collector/store/store.hpp"
#include "common/log/logger.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::collector {

// The prefix of a report error that means "the store cannot be read now" (503).
inline constexpr const char* kStoreUnavailable = "the store is unavailable";

struct ReportJob {
  report::ReportRequest request;
  // What the caller may see (ViewerAccess::access): required. The report
  // thread sets it on `request` and passes it to `run`; a job without it is
  // refused, so no route answers beyond its caller's scope by forgetting it.
  std::optional<report::ReportAccess> access;
  // When set, the report thread runs this instead of `request` (a finance
  // view: finance_routes.hpp), after the same check that the store is read.
  std::function<Result<std::string>(const report::ReportAccess&)> run;
  std::optional<Result<std::string>> rendered;  // set before `done` runs
  std::function<void()> done;                   // runs on the report thread
};

inline constexpr int64_t kPricingPollMs = 1000;

// What the cube holds, for /metrics and the admin API.
struct CubeStats {
  bool ready = false;
  int64_t records = 0, groups = 0, memory_bytes = 0;
  int64_t unpriced_records = 0, unpriced_models = 0;  // no price at the records' times
  int64_t build_ms = 0;
  // The prices of the live cube: the book's revision and Pricer::fingerprint.
  std::string pricing, pricing_digest;
  bool repricing = false;  // a new cube is being built with new prices
  int64_t reprices = 0;    // new cubes swapped in since start
  int64_t reprice_ms = 0;  // how long the last one took to build
};

class ReportRunner {
 public:
  // `max_nodes`: reports that would return more nodes fail (0: no limit).
  // `pricing` must outlive the runner.
  // `analytics_store`: answer from this ClickHouse instead of a cube.
  ReportRunner(Store& store, PricingState& pricing, Logger& log, size_t max_nodes,
               report::LeverageWeights weights = {}, size_t max_queued = 8,
               std::optional<analytics::ClickHouseTarget> analytics_store = std::nullopt);
  ~ReportRunner();
  ReportRunner(const ReportRunner&) = delete;
  ReportRunner& operator=(const ReportRunner&) = delete;

  // False when stopped or full: the job was not queued.
  bool submit(std::shared_ptr<ReportJob> job);
  void stop();
  CubeStats stats() const;
  // nullopt without an analytics store.
  std::optional<AnalyticsStats> analytics_stats() const;
  // Reports answered from ClickHouse's groups, and those the store answered
  // instead, since start (with an analytics store).
  int64_t analytics_answers() const { return analytics_answers_.load(); }
  int64_t store_answers() const { return store_answers_.load(); }

 private:
  void run();
  void run_analytics();
  // Waits for a job, a commit, a rebuilt cube, a price change or the price
  // poll's time, and polls the prices when due; the job, or null. `stop`:
  // the runner is stopping and no job is left.
  std::shared_ptr<ReportJob> next_job(std::chrono::steady_clock::time_point& next_poll, bool& stop);
  // Sets the collector's limits and the caller's scope on `job`, runs it
  // (its own `run`, or `answer`) and calls its `done`.
  void dispatch(ReportJob& job, const std::optional<Error>& behind,
                const std::function<Result<std::string>(const report::ReportRequest&)>& answer);
  Result<std::string> answer_analytics(const report::ReportRequest& request);
  // The listener of the store's commits for the cube of generation `gen`.
  UsageListener listener(uint64_t gen);
  // Builds `cube` from a new snapshot and follows the store from there.
  Status build_cube(report::UsageCube& cube, uint64_t gen);
  void apply_changes(report::UsageCube& cube);
  // On the report thread: swaps in a cube the rebuild finished, or learns
  // that it failed (the store follows nothing then: `live` ends); starts a
  // rebuild when the prices differ from the live cube's (or nothing is live).
  void swap_in_rebuilt(std::unique_ptr<report::UsageCube>& cube, bool& live);
  void start_rebuild(const report::UsageCube* cube, bool live);
  void rebuild(std::shared_ptr<const Pricer> pricer, uint64_t gen);
  void set_live_stats(const report::UsageCube& cube, int64_t build_ms);
  Result<std::string> answer(const report::ReportRequest& request, report::UsageCube* cube);
  // The report from the store's records of its range.
  Result<std::string> answer_from_store(
      const report::ReportRequest& request, const report::SeatContext& seats,
      const std::shared_ptr<const report::PeopleTimeline>& people);

  Store& store_;
  PricingState& pricing_;
  Logger& log_;
  const size_t max_nodes_;
  const report::LeverageWeights weights_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<ReportJob>> jobs_;
  std::vector<UsageChange> changes_;  // committed, not yet in the live cube
  bool stopping_ = false;
  bool prices_changed_ = false;  // PricingState said so
  std::atomic<bool> stop_scan_{false};
  CubeStats stats_;
  // The rebuild: its generation (0: none running), the commits after its
  // snapshot (for the new cube), and its result for the report thread.
  uint64_t generations_ = 0, building_gen_ = 0;
  std::vector<UsageChange> next_changes_;
  std::unique_ptr<report::UsageCube> built_;
  int64_t built_ms_ = 0;
  bool rebuild_done_ = false;
  std::optional<std::string> rebuild_error_;
  std::chrono::steady_clock::time_point retry_at_{};  // after a failed build
  bool built_once_ = false;
  std::thread rebuilder_;
  std::chrono::steady_clock::time_point memory_measured_{};  // report thread only
  // With an analytics store: the feed, and the report thread's own client.
  std::unique_ptr<AnalyticsFeed> feed_;
  std::unique_ptr<analytics::ClickHouseClient> report_ch_;
  std::atomic<int64_t> analytics_answers_{0}, store_answers_{0};
  std::thread worker_;  // last: it starts in the constructor
};

}  // namespace codepulse::collector
