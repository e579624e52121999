// The collector's side of the analytics store (docs/CLICKHOUSE.md): keeps
// ClickHouse's usage_facts equal to the store, on a thread of its own.
//
// It follows the store's commits (Store::follow_usage, without reading the
// store whole) and sends each commit's new and replaced records; at start,
// every hour, and after ClickHouse comes back, it compares every day with
// the store and sends the days that differ (UsageExporter::heal). New prices
// make a new pricing generation, and the rows of the models whose prices
// changed are sent again (model_generations.hpp). While
// ClickHouse is down, ingest goes on: what could not be sent is remembered
// as its days (a bounded set, never the records) and healed later. Days
// whose facts have been quiet for a while are rolled up for reports
// (usage_rollup.hpp); the hourly comparison checks the rollups too and
// deletes the superseded ones.
//
// Reports (report_runner.hpp) ask catch_up() first: it returns once every
// commit made before the call is in ClickHouse, or fails with the reason.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/report/pricing_state.hpp"
#include "collector/store/store.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

struct AnalyticsFeedOptions {
  std::chrono::milliseconds heal_interval{3'600'000};
  std::chrono::milliseconds retry_max{30'000};  // between attempts while ClickHouse is down
  size_t max_pending = 200'000;                 // records held; past it, their days
  size_t rows_per_insert = 50'000;
  // A dirty day is rolled up once its facts have not changed for this long
  // (usage_rollup.hpp); superseded rollups are deleted this long after
  // they began.
  std::chrono::seconds rollup_quiet{30};
  std::chrono::seconds rollup_keep{600};
};

// What the feed has done, for /metrics and the health view.
struct AnalyticsStats {
  bool ready = false;      // connected, and the first comparison with the store done
  bool reachable = false;  // the last attempt to talk to ClickHouse succeeded
  std::string last_error;  // of the last failed attempt
  uint32_t generation = 0;
  int64_t rows_sent = 0, heals = 0, days_healed = 0;
  int64_t pending_records = 0, pending_days = 0;
  int64_t last_heal_ms = 0;    // how long the last full comparison took
  int64_t rollups = 0;         // days rolled up
  int64_t dirty_days = -1;     // days read from records (-1: not known yet)
  int64_t rollups_mended = 0;  // clean days whose rollup differed from their facts
};

class AnalyticsFeed {
 public:
  AnalyticsFeed(Store& store, PricingState& pricing, Logger& log,
                analytics::ClickHouseTarget target, AnalyticsFeedOptions options = {});
  ~AnalyticsFeed();
  AnalyticsFeed(const AnalyticsFeed&) = delete;
  AnalyticsFeed& operator=(const AnalyticsFeed&) = delete;

  // Follows the store and starts the thread (which connects and heals).
  Status start();
  void stop();

  // What reports read ClickHouse with: the pricing generations the rows
  // carry and the prices that made them.
  struct Position {
    std::shared_ptr<const analytics::ModelGenerations> generations;
    std::shared_ptr<const Pricer> pricer;
  };
  // Once every commit made before the call (by any collector on the store)
  // is in ClickHouse: the position. An error (starting with
  // kStoreUnavailable) when ClickHouse cannot be reached, is still being
  // compared with the store at start, or does not catch up within `wait`.
  Result<Position> catch_up(std::chrono::milliseconds wait = std::chrono::milliseconds(30'000));

  AnalyticsStats stats() const;
  const analytics::ClickHouseTarget& target() const { return target_; }

 private:
  void run();
  void on_commit(std::vector<UsageChange>&& changes);
  // One pass of the thread's loop, on a connected exporter; false on a
  // ClickHouse failure (the reason is recorded).
  bool connect();
  bool send_pending();
  bool heal_pending_days();
  bool heal_all();
  // Rolls up the quiet dirty days, for at most about two seconds.
  bool roll_quiet_days();
  void failed(const Error& e);

  Store& store_;
  PricingState& pricing_;
  Logger& log_;
  const analytics::ClickHouseTarget target_;
  const AnalyticsFeedOptions options_;
  analytics::ClickHouseClient ch_;  // the thread's
  std::unique_ptr<analytics::UsageExporter> exporter_;
  bool may_be_dirty_ = true;  // the thread's: a day may wait to be rolled up

  mutable std::mutex mu_;
  std::condition_variable wake_, caught_up_;
  std::vector<report::UsageFact> pending_;
  std::set<int64_t> pending_days_;  // UTC day starts to heal
  uint64_t committed_ = 0;          // commits seen (on_commit calls with changes)
  uint64_t sent_ = 0;               // of those, sent (or healed) into ClickHouse
  bool stopping_ = false, following_ = false;
  AnalyticsStats stats_;
  std::shared_ptr<const Pricer> position_pricer_;
  std::shared_ptr<const analytics::ModelGenerations> position_generations_;
  std::thread thread_;
};

}  // namespace codepulse::collector
