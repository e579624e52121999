// Keeps the BudgetBoard current (docs/BUDGETS.md "Trackers"): a thread of
// its own works out the budgets' state (budget_snapshot: the report engine
// over the store) at start, every `interval_ms`, and soon after an admin
// changes a budget; batches and /metrics only read the board.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "collector/ingest/budget_board.hpp"
#include "collector/store/store.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

class BudgetRefresher {
 public:
  // `top`: repositories and models /metrics names (the rest: "other").
  BudgetRefresher(Store& store, BudgetBoard& board, Logger& log, int64_t interval_ms, size_t top);
  ~BudgetRefresher();  // stop()
  BudgetRefresher(const BudgetRefresher&) = delete;
  BudgetRefresher& operator=(const BudgetRefresher&) = delete;

  // Works the state out once, now, on the calling thread.
  void refresh_now();
  // Asks the thread for a refresh (a budget or an override changed).
  void request();
  void start();
  void stop();

 private:
  void run();

  Store& store_;
  BudgetBoard& board_;
  Logger& log_;
  int64_t interval_ms_;
  size_t top_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false, requested_ = false;
  std::thread thread_;
};

}  // namespace codepulse::collector
