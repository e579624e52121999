// The delivery of the alert outbox (docs/ALERTS.md): one row at a time is
// claimed under a lease, sent to its receiver, and finished as delivered,
// failed, or pending again after a backoff (exponential, with jitter, a
// Retry-After honoured). A 410 Gone disables the receiver until the
// collector restarts (its rows wait in the outbox). Runs on a thread of its
// own in `serve`, which also runs the alert sources' checks on it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "collector/alert/alert_receivers.hpp"
#include "collector/store/store.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

// What one request to a receiver came to.
struct AlertAttempt {
  enum Kind { kDelivered, kRetry, kGone, kRefused } kind = kRetry;
  int status = 0;               // the HTTP status; 0 when nothing was answered
  int64_t retry_after_ms = -1;  // the answer's Retry-After, when given
  std::string error;            // why it was not delivered, secrets scrubbed
};

// One request of `a` to `receiver` as of `now_ms`: 2xx delivered; 410 gone;
// no answer (a timeout included), 408, 429 and 5xx retried; any other
// status refused for good.
AlertAttempt send_alert(const AlertReceiver& receiver, const AlertMessage& a, int64_t now_ms,
                        int64_t timeout_ms);

// The wait before attempt `attempts + 1` after `attempts` failed ones:
// base * 2^(attempts - 1), at most max, then a random part of its second
// half taken away (jitter: [d/2, d]), and never less than a Retry-After.
int64_t alert_backoff_ms(int64_t attempts, int64_t base_ms, int64_t max_ms, int64_t retry_after_ms,
                         double jitter01);

class AlertDispatcher {
 public:
  AlertDispatcher(Store& store, std::vector<AlertReceiver> receivers, AlertSettings settings,
                  Logger& log);
  ~AlertDispatcher();
  AlertDispatcher(const AlertDispatcher&) = delete;
  AlertDispatcher& operator=(const AlertDispatcher&) = delete;

  const std::vector<AlertReceiver>& receivers() const { return receivers_; }
  // This collector's lease owner id: random, new for every dispatcher.
  const std::string& owner() const { return owner_; }

  // Enqueues `a` for every receiver (insert-if-absent) and wakes the thread.
  Result<int64_t> enqueue(const AlertMessage& a);

  // Delivers every row due at `now_ms`, one claim at a time, until none is
  // left that this dispatcher may take; returns how many were attempted.
  int64_t deliver_due(int64_t now_ms);

  // A check the thread runs at start, every `interval_ms`, and when
  // request_check() asks (alert sources: it enqueues what it finds).
  void add_check(std::string name, std::function<Status(int64_t now_ms)> check,
                 int64_t interval_ms);
  // A check that enqueues every alert `source` finds (an alert source).
  void add_source(std::string name,
                  std::function<Result<std::vector<AlertMessage>>(int64_t now_ms)> source,
                  int64_t interval_ms);
  void request_check();

  void start();
  void stop();

 private:
  struct Check {
    std::string name;
    std::function<Status(int64_t)> run;
    int64_t interval_ms = 0, next_ms = 0;
  };
  const AlertReceiver* receiver(const std::string& name) const;
  std::vector<std::string> enabled() const;
  void deliver(const AlertDelivery& d, int64_t now_ms);
  void run_checks(int64_t now_ms, bool requested);
  void run();

  Store& store_;
  std::vector<AlertReceiver> receivers_;
  AlertSettings settings_;
  Logger& log_;
  std::string owner_;
  std::mt19937_64 rng_;
  std::vector<Check> checks_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> disabled_;  // answered 410 Gone
  bool stopping_ = false, woken_ = false, check_requested_ = false;
  std::thread thread_;
};

}  // namespace codepulse::collector
