// The budget board's refresher thread (budget_refresher.hpp).
#include "collector/serve/budget_refresher.hpp"

#include <chrono>

#include "collector/report/budget_state.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

BudgetRefresher::BudgetRefresher(Store& store, BudgetBoard& board, Logger& log, int64_t interval_ms,
                                 size_t top)
    : store_(store), board_(board), log_(log), interval_ms_(interval_ms), top_(top) {}

BudgetRefresher::~BudgetRefresher() {
  stop();
}

void BudgetRefresher::refresh_now() {
  auto snap = budget_snapshot(store_, now_utc_ms(), top_);
  if (snap) {
    board_.publish(std::move(snap).value());
    return;
  }
  const bool new_error = board_.error() != snap.error().message;
  board_.failed(snap.error().message);
  if (new_error)
    log_.warn("budgets", "cannot work out the budgets' state: " + snap.error().message);
}

void BudgetRefresher::request() {
  {
    std::lock_guard lock(mu_);
    requested_ = true;
  }
  cv_.notify_all();
}

void BudgetRefresher::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void BudgetRefresher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BudgetRefresher::run() {
  while (true) {
    refresh_now();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                 [this] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;
  }
}

}  // namespace codepulse::collector
