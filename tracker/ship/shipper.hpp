// ship: sends the queue to the collector. The oldest unshipped records go in
// batches (at most batch_max_records, or whatever is queued once the oldest
// waited batch_max_age); a record is marked shipped only after the
// collector's 2xx. Network errors, 5xx, 408 and 429 are retried forever with
// exponential backoff and full jitter (capped); a 401/403 waits the same way
// for a better token; 413 halves the batch; a 2xx that is not the
// collector's receipt for the batch is retried;
// 400/422 quarantines the batch (kept, logged, shown in `status`, released by
// `queue release`); other answers (404, 405, a proxy's page) mean a wrong
// collector URL and are retried like network errors. The first success
// after failures logs one line: how long shipping failed and what is
// pending. With a PriceRefresh it
// also keeps the price book current (price_refresh.hpp), on the same
// connection, between batches. It remembers the collector's store generation
// from every answer, and asks for it (GET /v1/generation) when the queue is
// empty: at start, after ship_now, then every generation_check_ms. A new
// generation (the collector was restored from a backup) puts what was shipped
// since the backup back in the queue (queue/collector_generation.hpp).
// The "budgets" of every receipt are kept in <state>/budgets.json
// (budget_state.hpp) for the Claude Code hook.
// Runs on the daemon's io_context, between rounds, never beside one.
#pragma once

#include <simdjson.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "common/log/logger.hpp"
#include "tracker/queue/collector_generation.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/ship/batch_builder.hpp"
#include "tracker/ship/price_refresh.hpp"
#include "tracker/ship/ship_options.hpp"
#include "tracker/ship/ship_status.hpp"

namespace codepulse::tracker {

class Shipper {
 public:
  Shipper(boost::asio::io_context& io, LocalStore& store, ShipOptions options, Logger& log);
  ~Shipper();
  Shipper(const Shipper&) = delete;
  Shipper& operator=(const Shipper&) = delete;

  // Asks the collector for its price book when `refresh` says it is due
  // (first at start); `refresh` outlives the shipper. Call before start().
  void set_price_refresh(PriceRefresh* refresh) { refresh_ = refresh; }
  // Checks the token file and CA file; ships what is queued.
  Status start();
  // After a round stored `count` new or changed records.
  void records_queued(int64_t count);
  // Ships now: skips the age wait and any backoff wait.
  void ship_now();
  void stop();

  const ShipStatus& status() const { return status_; }
  bool busy() const { return in_flight_; }
  // Called after every batch outcome (the daemon rewrites its status file).
  void set_on_change(std::function<void()> f) { on_change_ = std::move(f); }
  // Called once the queue is empty after ship_now (flush waits for it), with
  // the last error when shipping stopped on one.
  void set_on_drained(std::function<void(const std::string& error)> f) {
    on_drained_ = std::move(f);
  }

 private:
  void send();
  void net_post_send();  // send() from the io_context, not from this stack
  void refresh_prices();
  void arm_refresh_timer();
  // The store generation (shipper_generation.cpp): asked with an empty queue
  // when due; adopted from any answer that carries one.
  bool generation_due() const;
  void check_generation();
  void arm_generation_timer();
  void generation_adopted(const GenerationChange& change);
  void on_response(OutgoingBatch batch, Result<HttpResponse> response);
  void retry_later(const std::string& why, int64_t retry_after_s);
  void note_recovery();
  Status quarantine(const OutgoingBatch& batch, int status, const std::string& reason);
  Status apply_success(const OutgoingBatch& batch, const HttpResponse& response);
  // The receipt's "budgets" to <state>/budgets.json (shipper_budgets.cpp);
  // never fails the batch.
  void take_budgets(simdjson::dom::element receipt);
  void changed();

  boost::asio::io_context& io_;
  LocalStore& store_;
  ShipOptions options_;
  Logger& log_;
  std::unique_ptr<HttpsClient> client_;
  boost::asio::steady_timer linger_, backoff_, refresh_timer_, generation_timer_;
  int64_t next_generation_ms_ = 0;  // the first check is due at once
  PriceRefresh* refresh_ = nullptr;
  std::mt19937_64 rng_;
  ShipStatus status_;
  size_t limit_;
  int64_t pending_ = 0;           // records queued since the last fetch
  int64_t failing_since_ms_ = 0;  // the first failure of the current outage
  bool in_flight_ = false, lingering_ = false, backing_off_ = false, flushing_ = false;
  bool stopped_ = false;
  std::string budgets_problem_;  // the last one logged, so it is logged once
  // Callbacks still queued on the io_context when the shipper is destroyed
  // (a SIGHUP replaces it) find this false and do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::function<void()> on_change_;
  std::function<void(const std::string&)> on_drained_;
};

}  // namespace codepulse::tracker
